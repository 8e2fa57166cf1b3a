import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('relay/progress-relay (blocking reads)', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    // Reads block for ten minutes: anything relayed sooner was woken, not polled.
    harness = await DispatcherHarness.start({
      dependencies: { relay: { minIntervalMs: 0, leaseMs: 1_800_000, blockMs: 600_000 } },
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('relays a new job and each new entry at once while the read blocks, and still stops promptly', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.spawned.length === 1, { message: 'the spawn' })
      .toBe(true);
    const { jobId } = harness.spawner.spawned[0]!;
    harness.trackJob(jobId, channel);

    for (const text of ['first', 'second', 'third']) {
      await harness.agentWrites({ type: 'detail', jobId, at: Date.now(), text });
      await expect
        .poll(() => harness.slack.calls.some((call) => call.args['text'] === text))
        .toBe(true);
    }
    await harness.dispatcher.close(1_000);

    expect(harness.slack.transcript().slice(1)).toEqual([
      'chat.postMessage first',
      'chat.postMessage second',
      'chat.postMessage third',
    ]);
  });
});
