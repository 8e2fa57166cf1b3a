import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('relay/entry-delivery (Slack failures)', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('waits out a Slack 429 as Retry-After says and delivers the entry once', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.slack.rateLimitNext(1, 1, 'chat.postMessage');

    await harness.agentWrites({
      type: 'detail',
      jobId,
      at: Date.now(),
      text: 'after the rate limit',
    });
    await expect
      .poll(() => harness.slack.calls.some((call) => call.args['text'] === 'after the rate limit'))
      .toBe(true);
    const rateLimited = harness.slack.server
      .requestsTo('POST', '/api/chat.postMessage')
      .filter((request) => JSON.stringify(request.json).includes('after the rate limit'));

    const delivered = harness.slack.calls.find(
      (call) => call.args['text'] === 'after the rate limit',
    )!;
    const refused = harness.slack.refusals.filter((refusal) => refusal.status === 429);
    expect(rateLimited).toHaveLength(2);
    expect(refused).toHaveLength(1);
    // Retry-After: 1 — waited out (less the jitter of two local HTTP calls).
    expect(delivered.at - refused[0]!.at).toBeGreaterThanOrEqual(900);
    expect(
      harness.slack.calls.filter((call) => call.args['text'] === 'after the rate limit'),
    ).toHaveLength(1);
  });

  it('keeps an entry pending while Slack fails and delivers it once Slack recovers', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.slack.failNextWithStatus(503, 5, 'chat.postMessage');

    await harness.agentWrites(
      { type: 'detail', jobId, at: Date.now(), text: 'first' },
      { type: 'progress', jobId, at: Date.now(), step: 1, total: 2, label: 'Later' },
    );
    await expect
      .poll(
        () => harness.slack.calls.some((call) => String(call.args['text']).endsWith('[1/2] Later')),
        { timeout: 30_000 },
      )
      .toBe(true);

    expect(harness.slack.transcript().slice(1)).toEqual([
      'chat.postMessage first',
      `chat.update Job ${jobId} for #58 in agent-smith-test: [1/2] Later`,
    ]);
    expect(harness.dispatcher.metrics.slackApiErrors).toBeGreaterThan(0);
  });

  it('skips an entry Slack refuses for good and carries on', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.slack.failNext('invalid_blocks', 1, 'chat.postMessage');

    await harness.agentWrites({ type: 'detail', jobId, at: Date.now(), text: 'refused' });
    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 1,
      total: 2,
      label: 'Next',
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).endsWith('[1/2] Next')),
      )
      .toBe(true);

    expect(harness.slack.transcript().slice(1)).toEqual([
      `chat.update Job ${jobId} for #58 in agent-smith-test: [1/2] Next`,
    ]);
    expect(harness.dispatcher.metrics.slackApiErrors).toBe(1);
  });

  it('posts a new status message when the old one is gone', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.slack.failNext('message_not_found', 1, 'chat.update');

    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 1,
      total: 2,
      label: 'Fresh',
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).endsWith('[1/2] Fresh')),
      )
      .toBe(true);

    expect(harness.slack.transcript().slice(1)).toEqual([
      `chat.postMessage Job ${jobId} for #58 in agent-smith-test: [1/2] Fresh`,
    ]);
  });
});
