import { encodeBusEntryArgs, jobInStreamKey, jobOutStreamKey } from '@agentsmith/contracts';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatcherKeys } from './job-keys.js';
import { RedisJobStore } from './redis-job-store.js';

describe('jobs/redis-job-store (what it reads back is validated)', () => {
  let redis: RedisTestContext;
  let store: RedisJobStore;
  let jobId: string;

  beforeEach(async () => {
    redis = await redisTestContext();
    store = new RedisJobStore(redis.redis, dispatcherKeys(redis.prefix));
    jobId = randomBytes(6).toString('hex');
    redis.track(jobOutStreamKey(jobId), jobInStreamKey(jobId));
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('reads back the job it tracked, with numbers as numbers', async () => {
    const job = {
      jobId,
      platform: 'slack',
      channelId: 'C1',
      project: 'p',
      ticketId: '58',
      startedAt: Date.now(),
      deadlineAt: Date.now() + 600_000,
    };
    await store.track(job);
    await store.patch(jobId, { step: 3, total: 9, label: 'Testing', costUsd: 0.5 });

    expect(await store.get(jobId)).toEqual({
      ...job,
      step: 3,
      total: 9,
      label: 'Testing',
      costUsd: 0.5,
    });
  });

  it('refuses a job hash that does not hold what the dispatcher writes, naming the key and field', async () => {
    const key = `${redis.prefix}job:${jobId}`;
    await redis.redis.hset(key, 'jobId', JSON.stringify(jobId), 'startedAt', '"yesterday"');

    await expect(store.get(jobId)).rejects.toMatchObject({
      code: 'protocol_entry_malformed',
      retryable: false,
      message: expect.stringMatching(
        new RegExp(`^Redis key ${key} does not hold what the dispatcher wrote \\(.*startedAt: `),
      ),
    });
  });

  it('refuses a question hash that lost a field instead of answering it', async () => {
    const key = `${redis.prefix}job:${jobId}:question:q1`;
    await redis.redis.hset(
      key,
      ...['jobId', jobId, 'questionId', 'q1', 'text', 'Go?', 'channelId', 'C1', 'ts', '1.1'],
      ...['status', 'pending'],
    );
    await store.claimQuestion({
      type: 'answer',
      jobId,
      at: 1,
      questionId: 'q1',
      content: 'Yes',
      answeredBy: 'U1',
    });
    await redis.redis.hset(key, 'status', 'pending', 'answer', '');
    await redis.redis.hdel(key, 'channelId');

    await expect(
      store.claimQuestion({ type: 'answer', jobId, at: 2, questionId: 'q1', content: 'No' }),
    ).rejects.toMatchObject({ code: 'protocol_entry_malformed' });
  });

  it('sees a final entry only when it decodes as one', async () => {
    const before = await store.hasFinalEntry(jobId);
    await redis.redis.xadd(jobOutStreamKey(jobId), '*', 'v', '1', 'type', 'done');
    const malformed = await store.hasFinalEntry(jobId);
    await redis.redis.xadd(
      jobOutStreamKey(jobId),
      '*',
      ...encodeBusEntryArgs({
        type: 'done',
        jobId,
        at: 3,
        summary: 'Fixed',
        durationMs: 1,
        changedFiles: [],
      }),
    );

    expect([before, malformed, await store.hasFinalEntry(jobId)]).toEqual([false, false, true]);
  });
});
