import { afterEach, describe, expect, it } from 'vitest';
import { blockKitProblems } from './block-kit-validator.js';
import { FakeSlackApi } from './fake-slack-api.js';

const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: { type: 'mrkdwn', text, ...extra },
});

describe('testkit/block-kit-validator', () => {
  it.each([
    [
      'a section over 3000 characters',
      [section('x'.repeat(3001))],
      'blocks[0].text.text: 3001 characters, over 3000',
    ],
    ['an empty section', [section('')], 'blocks[0].text.text: must not be empty'],
    ['51 blocks', Array.from({ length: 51 }, () => section('x')), 'blocks: 51 blocks, over 50'],
    [
      'a button text over 75 characters',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } },
          ],
        },
      ],
      'blocks[0].elements[0].text.text: 76 characters, over 75',
    ],
    [
      'a button value over 2000 characters',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'a',
              text: { type: 'plain_text', text: 'b' },
              value: 'v'.repeat(2001),
            },
          ],
        },
      ],
      'blocks[0].elements[0].value: must be at most 2000 characters',
    ],
    [
      '11 context elements',
      [
        {
          type: 'context',
          elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })),
        },
      ],
      'blocks[0].elements: must hold 1-10 elements',
    ],
    [
      'a header over 150 characters',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      'blocks[0].text.text: 151 characters, over 150',
    ],
    [
      'verbatim on plain text',
      [{ type: 'header', text: { type: 'plain_text', text: 'h', verbatim: true } }],
      'blocks[0].text.verbatim: unknown field',
    ],
    ['an unknown block', [{ type: 'fancy' }], 'blocks[0].type: unsupported block type fancy'],
  ])('refuses %s', (_name, blocks, problem) => {
    expect(blockKitProblems({ text: 'fallback', blocks })).toContain(problem);
  });

  it('accepts a message within every limit', () => {
    expect(
      blockKitProblems({
        text: 't'.repeat(40_000),
        blocks: [
          section('x'.repeat(3000), { verbatim: true }),
          {
            type: 'context',
            elements: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'c' })),
          },
          {
            type: 'actions',
            block_id: 'b',
            elements: [
              {
                type: 'button',
                action_id: 'retry',
                text: { type: 'plain_text', text: 'Retry' },
                value: '{}',
              },
            ],
          },
        ],
      }),
    ).toEqual([]);
  });
});

describe('testkit/fake-slack-api (Block Kit checks)', () => {
  let slack: FakeSlackApi;

  afterEach(async () => {
    await slack.stop();
  });

  it('answers invalid_blocks and msg_too_long as Slack does, and records nothing as posted', async () => {
    slack = await new FakeSlackApi().start();
    const post = async (body: unknown) =>
      (await fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((response) => response.json())) as { ok: boolean; error?: string };

    const invalid = await post({ channel: 'C1', text: 'x', blocks: [section('x'.repeat(3001))] });
    const tooLong = await post({ channel: 'C1', text: 't'.repeat(40_001) });
    const fine = await post({ channel: 'C1', text: 'x', blocks: [section('x')] });

    expect(invalid).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(tooLong).toMatchObject({ ok: false, error: 'msg_too_long' });
    expect(fine).toMatchObject({ ok: true });
    expect(slack.invalid.map((refusal) => refusal.error)).toEqual([
      'invalid_blocks',
      'msg_too_long',
    ]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
