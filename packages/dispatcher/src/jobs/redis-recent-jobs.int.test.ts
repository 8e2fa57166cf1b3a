import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FinishedJob } from './recent-jobs.js';
import { RedisRecentJobs } from './redis-recent-jobs.js';

const job = (index: number): FinishedJob => ({
  jobId: `job-${index}`,
  platform: 'slack',
  channelId: 'C1',
  project: 'shop',
  ticketId: '#1',
  startedAt: index,
  endedAt: index + 1,
  outcome: 'succeeded',
});

describe('RedisRecentJobs', () => {
  let redis: RedisTestContext;
  beforeEach(async () => {
    redis = await redisTestContext();
  });
  afterEach(async () => {
    await redis.cleanup();
  });

  it('keeps the newest records up to its cap, newest first', async () => {
    const key = `${redis.prefix}jobs:recent`;
    const recent = new RedisRecentJobs(redis.redis, key, 3);
    for (const index of [1, 2, 3, 4, 5]) await recent.add(job(index));

    expect((await recent.list(10)).map((record) => record.jobId)).toEqual([
      'job-5',
      'job-4',
      'job-3',
    ]);
    expect(await redis.redis.llen(key)).toBe(3);
    expect((await recent.list(2)).map((record) => record.jobId)).toEqual(['job-5', 'job-4']);
  });

  it('leaves out a record it cannot read instead of failing the page', async () => {
    const key = `${redis.prefix}jobs:recent`;
    const recent = new RedisRecentJobs(redis.redis, key);
    await recent.add(job(1));
    await redis.redis.lpush(key, '{not json', JSON.stringify({ jobId: 'x' }));

    expect((await recent.list(10)).map((record) => record.jobId)).toEqual(['job-1']);
  });
});
