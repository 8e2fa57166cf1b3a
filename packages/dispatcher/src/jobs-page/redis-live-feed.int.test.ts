import { encodeBusEntryArgs, jobOutStreamKey } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveEvent } from './live-event.js';
import { RedisLiveFeed } from './redis-live-feed.js';

describe('RedisLiveFeed', () => {
  let redis: RedisTestContext;
  let feed: RedisLiveFeed | undefined;
  let active: string[];
  let queued: string[];

  beforeEach(async () => {
    redis = await redisTestContext();
    active = [];
    queued = [];
    feed = new RedisLiveFeed({
      connect: () => redis.connect(),
      activeJobIds: () => Promise.resolve(active),
      queuedJobIds: () => Promise.resolve(queued),
      dispatcherPhases: () => Promise.resolve({ received: 1_000, spawned: 1_400 }),
      logger: silentLogger(),
      blockMs: 100,
    });
  });

  afterEach(async () => {
    await feed?.close();
    await redis.cleanup();
  });

  const write = async (jobId: string, step: number) => {
    await redis.redis.xadd(
      jobOutStreamKey(jobId),
      '*',
      ...encodeBusEntryArgs({
        type: 'progress',
        jobId,
        at: Date.now(),
        step,
        total: 7,
        label: `step ${step}`,
        phases: { started: 2_000 },
      }),
    );
  };

  it('follows running jobs from their last entry, says when the set or the queue changes, and starts again after its last listener left', async () => {
    const jobId = `live-${randomUUID()}`;
    redis.track(jobOutStreamKey(jobId));
    await write(jobId, 1);
    const events: LiveEvent[] = [];
    let unsubscribe = feed?.subscribe((event) => events.push(event));
    active = [jobId];
    await expect.poll(() => events).toContainEqual({ type: 'changed' });
    await expect
      .poll(async () => {
        await write(jobId, 2);
        return events.filter((event) => event.type === 'progress').length;
      })
      .toBeGreaterThan(0);
    // The entry written before the job was seen is not replayed: the lists show it already.
    expect(events).not.toContainEqual(expect.objectContaining({ step: 'step 1 of 7: step 1' }));
    expect(events).toContainEqual({
      type: 'progress',
      jobId,
      step: 'step 2 of 7: step 2',
      phases: 'spawn 0.4s · start 1.0s',
      cost: 'cost unknown',
    });

    unsubscribe?.();
    const again: LiveEvent[] = [];
    unsubscribe = feed?.subscribe((event) => again.push(event));
    await expect
      .poll(async () => {
        await write(jobId, 3);
        return again.some((event) => event.type === 'progress');
      })
      .toBe(true);
    queued = ['waiting-job'];
    await expect.poll(() => again).toContainEqual({ type: 'changed' });
    unsubscribe?.();
  });
});
