import type { OutboundEntry } from '@agentsmith/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, textOf, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('relay/entry-delivery (one update per thread and interval)', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    // Long enough that every entry below is written while its thread waits for the next update.
    harness = await DispatcherHarness.start({
      dependencies: { relay: { minIntervalMs: 2_000, leaseMs: 3_000 } },
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  const inChannel = (channel: string) =>
    harness.slack.calls.filter((call) => call.args['channel'] === channel);

  async function startedJob(channel: string, ticket = 58): Promise<string> {
    const jobId = await harness.startJob(channel, `fix #${ticket} in agent-smith-test`);
    await expect.poll(() => inChannel(channel).length, { message: 'the status message' }).toBe(1);
    return jobId;
  }

  it('sends the detail lines written while the thread waits as one post, in order, across progress entries', async () => {
    const channel = uniqueChannel();
    const jobId = await startedJob(channel);
    const detail = (text: string): OutboundEntry => ({
      type: 'detail',
      jobId,
      at: Date.now(),
      text,
    });
    await harness.agentWrites(detail('line 1'));
    await expect.poll(() => inChannel(channel).map(textOf)).toContain('line 1');

    // One entry at a time, each read on its own, while the thread's next post is not yet due.
    await harness.agentWrites(
      detail('line 2'),
      { type: 'progress', jobId, at: Date.now(), step: 2, total: 5, label: 'Step two' },
      detail('line 3'),
      { type: 'heartbeat', jobId, at: Date.now() },
      detail('line 4'),
    );
    await expect
      .poll(() => inChannel(channel).map(textOf))
      .toContain(`Job ${jobId} for #58 in agent-smith-test: [2/5] Step two`);

    expect(inChannel(channel).map((call) => `${call.method} ${textOf(call)}`)).toEqual([
      expect.stringMatching(/^chat\.postMessage /),
      'chat.postMessage line 1',
      'chat.postMessage line 2\nline 3\nline 4',
      `chat.update Job ${jobId} for #58 in agent-smith-test: [2/5] Step two`,
    ]);
  });

  it('edits the status again, without posting the lines twice, when the edit after a post fails', async () => {
    const channel = uniqueChannel();
    const jobId = await startedJob(channel);
    const detail = (text: string): OutboundEntry => ({
      type: 'detail',
      jobId,
      at: Date.now(),
      text,
    });
    await harness.agentWrites(detail('line 1'));
    await expect.poll(() => inChannel(channel).map(textOf)).toContain('line 1');
    // More failures than the Slack client retries, so the relay sees the edit fail.
    harness.slack.failNextWithStatus(503, 4, 'chat.update');

    await harness.agentWrites(detail('line 2'), {
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 3,
      total: 5,
      label: 'Step three',
    });
    await expect
      .poll(() => inChannel(channel).map(textOf), { timeout: 20_000 })
      .toContain(`Job ${jobId} for #58 in agent-smith-test: [3/5] Step three`);

    expect(
      harness.slack.refusals.filter((refusal) => refusal.method === 'chat.update'),
    ).toHaveLength(4);
    expect(inChannel(channel).map(textOf).slice(1)).toEqual([
      'line 1',
      'line 2',
      `Job ${jobId} for #58 in agent-smith-test: [3/5] Step three`,
    ]);
  }, 30_000);

  it('keeps a question between detail lines in its place', async () => {
    const channel = uniqueChannel();
    const jobId = await startedJob(channel);
    const detail = (text: string): OutboundEntry => ({
      type: 'detail',
      jobId,
      at: Date.now(),
      text,
    });
    await harness.agentWrites(detail('line 1'));
    await expect.poll(() => inChannel(channel).map(textOf)).toContain('line 1');

    await harness.agentWrites(
      detail('line 2'),
      detail('line 3'),
      {
        type: 'question',
        jobId,
        at: Date.now(),
        questionId: 'q1',
        text: 'Go on?',
        choices: ['Yes', 'No'],
      },
      detail('line 4'),
    );
    await expect.poll(() => inChannel(channel).map(textOf)).toContain('line 4');

    expect(inChannel(channel).map(textOf).slice(1)).toEqual([
      'line 1',
      'line 2\nline 3',
      expect.stringContaining('Go on?'),
      'line 4',
    ]);
  });

  it('never lets one job waiting for a slow chat call hold up another job', async () => {
    const slowChannel = uniqueChannel();
    const slowJob = await startedJob(slowChannel);
    const otherChannel = uniqueChannel();
    const otherJob = await startedJob(otherChannel, 59);

    // The next chat call is held for a long while before Slack answers (and records) it.
    harness.slack.delayNext(5_000, 1, 'chat.postMessage');
    await harness.agentWrites({ type: 'detail', jobId: slowJob, at: Date.now(), text: 'slow' });
    await expect
      .poll(() =>
        harness.slack.server
          .requestsTo('POST', '/api/chat.postMessage')
          .some((request) => JSON.stringify(request.json).includes('slow')),
      )
      .toBe(true);
    await harness.agentWrites({ type: 'detail', jobId: otherJob, at: Date.now(), text: 'other' });
    await expect
      .poll(() => harness.slack.calls.map(textOf).filter((text) => /^(slow|other)$/.test(text)), {
        timeout: 15_000,
      })
      .toEqual(['other', 'slow']);
  }, 30_000);
});
