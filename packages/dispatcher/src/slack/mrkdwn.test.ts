import { describe, expect, it } from 'vitest';
import {
  BLOCK_KIT_LIMITS,
  chatMessage,
  fitText,
  section,
  sections,
  type ChatMessage,
} from './block-kit.js';
import { renderNotice } from './message-blocks.js';
import { code, escapeMrkdwn, linkWithin, mrkdwn, userMention } from './mrkdwn.js';

const REPOSITORY = 'https://github.com/org/app';

describe('slack/mrkdwn', () => {
  it('escapes what forms mentions and links, and breaks broadcast words', () => {
    expect(escapeMrkdwn('<!channel> <https://evil|login> & @here @Everyone')).toBe(
      '&lt;!channel&gt; &lt;https://evil|login&gt; &amp; @\u2060here @\u2060Everyone',
    );
    expect(escapeMrkdwn('a\u0000b\u202ec\ud800d\n\te')).toBe('abc\ufffdd\n\te');
  });

  it('escapes interpolated text and keeps its own markup', () => {
    const title = '<!channel> *bold*';
    expect(mrkdwn`*Title:* ${title} by ${userMention('U0123')}`.source).toBe(
      '*Title:* &lt;!channel&gt; *bold* by <@U0123>',
    );
    expect(userMention('<!channel>').source).toBe('&lt;!channel&gt;');
    expect(code('a`b').source).toBe('`aˋb`');
  });

  it.each([
    ['https://github.com/org/app/pull/7', true],
    ['https://github.com/Org/App/pull/7', true],
    ['https://evil.example/phish|View pull request> <!channel> <https://x', false],
    ['http://github.com/org/app/pull/7', false],
    ['https://github.com/org/other/pull/7', false],
    ['https://github.com/org/app-evil/pull/7', false],
    ['https://github.com/org/app', false],
    ['https://github.com.evil.example/org/app/pull/7', false],
    ['https://user:pass@github.com/org/app/pull/7', false],
    ['https://github.com/org/app/../../evil/pull/7', false],
    ['https://github.com/org/app/pull/7|label', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('links %s only when inside the repository: %s', (url, linked) => {
    const link = linkWithin(url, 'View pull request', REPOSITORY);
    expect(link.linked).toBe(linked);
    if (linked) expect(link.text.source).toBe(`<${url}|View pull request>`);
    else expect(link.text.source).not.toMatch(/[<>]/);
  });

  it('never links without a repository to check against', () => {
    expect(linkWithin('https://github.com/org/app/pull/7', 'x', undefined).linked).toBe(false);
  });
});

describe('slack/block-kit', () => {
  it('accepts no raw string as mrkdwn and no hand-written message (checked by the typecheck)', () => {
    const title = '<!channel>';
    // @ts-expect-error -- external text must go through mrkdwn`…`, which escapes it
    const raw = () => section(title);
    // @ts-expect-error -- a message is made by chatMessage only
    const handWritten: ChatMessage = { text: title, blocks: [] };

    expect(typeof raw).toBe('function');
    expect(handWritten.text).toBe(title);
    expect(JSON.stringify(section(mrkdwn`${title}`))).toContain('&lt;!channel&gt;');
  });

  it('cuts text to the limit, says so, and never splits an entity, a link or a pair', () => {
    const escaped = escapeMrkdwn('&'.repeat(4000));
    const cut = fitText(escaped, 3000);
    expect(cut.length).toBeLessThanOrEqual(3000);
    expect(cut).toMatch(/truncated: \d+ more characters/);
    expect(cut.replace(/&amp;/g, '')).not.toContain('&');

    const withLink = `${'x'.repeat(2960)} <https://github.com/org/app/pull/7|View pull request> tail`;
    expect(fitText(withLink, 3000)).not.toContain('<https');

    const emoji = fitText('😀'.repeat(2000), 3000);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('closes a code block the cut left open', () => {
    const cut = fitText(`first line\n\`\`\`\n${'output line\n'.repeat(500)}\`\`\``, 3000);
    expect((cut.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('spreads a long plan over sections, each within the limit, nothing lost', () => {
    const plan = Array.from({ length: 900 }, (_, i) => `step ${i}`).join('\n');
    const blocks = sections(mrkdwn`${plan}`, 10) as unknown as Array<{ text: { text: string } }>;
    expect(blocks.length).toBeGreaterThan(2);
    for (const block of blocks) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.map((block) => block.text.text).join('')).toBe(plan);
  });

  it('says so when a question cannot have buttons (an answer longer than a button value)', () => {
    const message = renderNotice({
      kind: 'question',
      jobId: 'j1',
      question: {
        type: 'question',
        jobId: 'j1',
        at: 0,
        questionId: 'q1',
        text: 'Pick one',
        choices: ['x'.repeat(2001)],
        defaultChoice: 'reject',
      },
    });
    expect(JSON.stringify(message.blocks)).toContain(
      'the job takes reject when the question times out',
    );
  });

  it('keeps a message to 50 blocks, the last one saying how many were left out', () => {
    const message = chatMessage(
      mrkdwn`many`,
      Array.from({ length: 60 }, () => section(mrkdwn`x`)),
    );
    expect(message.blocks).toHaveLength(BLOCK_KIT_LIMITS.blocksPerMessage);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('11 more blocks not shown');
  });
});
