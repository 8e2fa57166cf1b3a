import { FakeSlackApi, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, textOf, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';

describe('relay/stuck replica', () => {
  let redis: RedisTestContext;
  let stuckSlack: FakeSlackApi;
  let healthySlack: FakeSlackApi;
  const spawner = new FakeJobSpawner();
  let stuck: DispatcherHarness;
  let healthy: DispatcherHarness | undefined;

  beforeAll(async () => {
    redis = await redisTestContext();
    stuckSlack = await new FakeSlackApi().start();
    healthySlack = await new FakeSlackApi().start();
    stuck = await DispatcherHarness.start({
      redis,
      slack: stuckSlack,
      spawner,
      instanceId: 'replica-stuck',
    });
  });

  afterAll(async () => {
    stuckSlack.clearFailures();
    await healthy?.stop();
    await stuck.stop();
    for (const spec of spawner.attempted) stuck.trackJob(spec.jobId, spec.channelId);
    await stuckSlack.stop();
    await healthySlack.stop();
    await redis.cleanup();
  });

  it('a replica whose relay loop is stuck stops renewing its leases, and another replica takes its jobs', async () => {
    const channel = uniqueChannel();
    const jobId = await stuck.startJob(channel);
    const ownerKey = `${redis.prefix}job:${jobId}:owner`;
    await expect.poll(() => redis.redis.get(ownerKey)).toBe('replica-stuck');
    healthy = await DispatcherHarness.start({
      redis,
      slack: healthySlack,
      spawner,
      instanceId: 'replica-healthy',
    });

    // Every chat call of the first replica now hangs for 20 s: its loop is stuck in a delivery
    // while its renewal timer still runs (lease 3 s in the harness).
    stuckSlack.delayNext(20_000, 100);
    await stuck.agentWrites({ type: 'detail', jobId, at: Date.now(), text: 'line 1' });
    await expect.poll(() => redis.redis.get(ownerKey), { timeout: 15_000 }).toBe('replica-healthy');
    await stuck.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed',
      durationMs: 1,
      changedFiles: [],
    });
    await expect
      .poll(() => healthySlack.calls.map(textOf).filter((text) => /^(line 1|Done:)/.test(text)), {
        timeout: 15_000,
      })
      .toEqual(['line 1', expect.stringMatching(/^Done:/)]);
    await expect
      .poll(async () => stuck.dispatcher.context.conversations.get('slack', channel))
      .toBeNull();
  }, 60_000);
});
