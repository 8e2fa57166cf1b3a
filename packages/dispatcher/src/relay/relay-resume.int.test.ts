import { encodeBusEntryArgs, jobOutStreamKey, type OutboundEntry } from '@agentsmith/contracts';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { RedisJobStore } from '../jobs/redis-job-store.js';
import { dispatcherKeys } from '../jobs/job-keys.js';

describe('relay/progress-relay (taking over from a dead replica)', () => {
  let redis: RedisTestContext;
  let harness: DispatcherHarness | undefined;

  beforeEach(async () => {
    redis = await redisTestContext();
  });

  afterEach(async () => {
    await harness?.stop();
    await redis.cleanup();
  });

  it('claims the dead replica\u2019s pending entries, skips what it had already posted and relays the rest once', async () => {
    const channel = uniqueChannel();
    const jobId = 'dead' + Date.now().toString(16).slice(-8);
    const keys = dispatcherKeys(redis.prefix);
    const store = new RedisJobStore(redis.redis, keys);
    const now = Date.now();
    redis.track(jobOutStreamKey(jobId), `job:${jobId}:in`);
    await store.track({
      jobId,
      platform: 'slack',
      channelId: channel,
      threadTs: '1.1',
      project: 'api-v2',
      ticketId: '4',
      startedAt: now,
      deadlineAt: now + 600_000,
    });
    const detail = (text: string): OutboundEntry => ({
      type: 'detail',
      jobId,
      at: Date.now(),
      text,
    });
    const ids: string[] = [];
    for (const entry of [detail('line 1'), detail('line 2'), detail('line 3')]) {
      ids.push(
        (await redis.redis.xadd(jobOutStreamKey(jobId), '*', ...encodeBusEntryArgs(entry)))!,
      );
    }
    // The dead replica read all three, posted the first two, and died before acknowledging.
    await redis.redis.call(
      'XREADGROUP',
      'GROUP',
      'dispatcher',
      'old-replica',
      'COUNT',
      '10',
      'STREAMS',
      jobOutStreamKey(jobId),
      '>',
    );
    await store.markDeliveredCursorOnly(jobId, ids[1]!);
    await redis.redis.set(keys.owner(jobId), 'old-replica', 'PX', 1_500);

    const replica = await DispatcherHarness.start({ redis, instanceId: 'new-replica' });
    harness = replica;
    await replica.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Taken over',
      durationMs: 1,
      changedFiles: [],
    });
    await expect
      .poll(() => replica.slack.calls.some((call) => String(call.args['text']).startsWith('Done:')))
      .toBe(true);
    await expect
      .poll(async () => !(await redis.redis.sismember(keys.activeJobs, jobId)), {
        message: 'the job to be untracked',
      })
      .toBe(true);
    await expect
      .poll(
        async () => (await redis.redis.xpending(jobOutStreamKey(jobId), 'dispatcher'))[0] === 0,
        { message: 'every entry to be acknowledged' },
      )
      .toBe(true);

    expect(harness.slack.transcript()).toEqual([
      'chat.postMessage line 3',
      'chat.postMessage Done: Taken over',
    ]);
  });
});
