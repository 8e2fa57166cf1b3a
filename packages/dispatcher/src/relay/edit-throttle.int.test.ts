import { encodeBusEntryArgs, jobOutStreamKey, type OutboundEntry } from '@agentsmith/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('relay/entry-delivery (coalescing and throttling)', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start({
      dependencies: { relay: { minIntervalMs: 1_000, leaseMs: 3_000 } },
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  /** Writes all entries in one MULTI, so the relay reads them as one batch. */
  async function agentWritesAtOnce(jobId: string, entries: OutboundEntry[]): Promise<void> {
    const multi = harness.redis.redis.multi();
    for (const entry of entries)
      multi.xadd(jobOutStreamKey(jobId), '*', ...encodeBusEntryArgs(entry));
    await multi.exec();
  }

  it('edits the status message once per run of progress entries, batches details, and edits at most once a second', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.spawned.length === 1, { message: 'the spawn' })
      .toBe(true);
    const { jobId } = harness.spawner.spawned[0]!;
    harness.trackJob(jobId, channel);
    const at = Date.now();
    const progress = (step: number): OutboundEntry => ({
      type: 'progress',
      jobId,
      at,
      step,
      total: 20,
      label: `Step ${step}`,
    });

    await agentWritesAtOnce(jobId, [
      ...Array.from({ length: 10 }, (_, index) => progress(index + 1)),
      ...Array.from({ length: 5 }, (_, index): OutboundEntry => ({
        type: 'detail',
        jobId,
        at,
        text: `line ${index + 1}`,
      })),
      ...Array.from({ length: 10 }, (_, index) => progress(index + 11)),
    ]);
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).endsWith('[20/20] Step 20')),
      )
      .toBe(true);
    const edits = harness.slack.callsTo('chat.update');

    expect(harness.slack.transcript().slice(1)).toEqual([
      `chat.update Job ${jobId} for #58 in agent-smith-test: [10/20] Step 10`,
      'chat.postMessage line 1\nline 2\nline 3\nline 4\nline 5',
      `chat.update Job ${jobId} for #58 in agent-smith-test: [20/20] Step 20`,
    ]);
    // The second edit waited out the interval (less the jitter of two local HTTP calls).
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(900);
  });
});
