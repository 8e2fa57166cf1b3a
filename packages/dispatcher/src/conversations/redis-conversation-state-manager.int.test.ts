import { conversationKey, jobIndexKey, type ConversationState } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { RedisConversationStateManager } from './redis-conversation-state-manager.js';

describe('conversations/redis-conversation-state-manager', () => {
  let redis: RedisTestContext;
  let manager: RedisConversationStateManager;
  let channel: string;

  const state = (jobId: string): ConversationState => ({
    schemaVersion: 1,
    jobId,
    platform: 'slack',
    channelId: channel,
    project: 'p',
    ticketId: '58',
    startedAt: 1,
    deadlineAt: 2,
  });

  beforeEach(async () => {
    redis = await redisTestContext();
    manager = new RedisConversationStateManager(redis.redis, silentLogger());
    channel = uniqueChannel();
    redis.track(
      conversationKey('slack', channel),
      ...['aaaaaaaaaaa1', 'aaaaaaaaaaa2'].map(jobIndexKey),
    );
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('gives the channel to exactly one of many simultaneous jobs', async () => {
    const jobIds = Array.from({ length: 50 }, (_, index) => `b${String(index).padStart(11, '0')}`);
    redis.track(...jobIds.map(jobIndexKey));

    const results = await Promise.all(jobIds.map((jobId) => manager.acquire(state(jobId), 60_000)));

    const winners = results.filter((result) => result.acquired);
    expect(winners).toHaveLength(1);
    const holder = await manager.get('slack', channel);
    expect(
      results
        .filter((result) => !result.acquired)
        .map((result) => (result.acquired ? '' : result.holder.jobId)),
    ).toEqual(Array(49).fill(holder?.jobId));
    expect(await manager.findByJobId(holder!.jobId)).toEqual(holder);
  });

  it('releases only for the job that holds the channel, and only once', async () => {
    await manager.acquire(state('aaaaaaaaaaa1'), 60_000);

    const byOther = await manager.release('aaaaaaaaaaa2');
    const byHolder = await manager.release('aaaaaaaaaaa1');
    const again = await manager.release('aaaaaaaaaaa1');

    expect([byOther, byHolder, again]).toEqual([false, true, false]);
    expect(await manager.get('slack', channel)).toBeNull();
    expect(await redis.redis.exists(jobIndexKey('aaaaaaaaaaa1'))).toBe(0);
  });

  it('does not let a late release free a newer job', async () => {
    await manager.acquire(state('aaaaaaaaaaa1'), 60_000);
    await manager.release('aaaaaaaaaaa1');
    await manager.acquire(state('aaaaaaaaaaa2'), 60_000);

    const late = await manager.release('aaaaaaaaaaa1');

    expect(late).toBe(false);
    expect((await manager.get('slack', channel))?.jobId).toBe('aaaaaaaaaaa2');
  });

  it('sets the safety-net TTL on the state and the index', async () => {
    await manager.acquire(state('aaaaaaaaaaa1'), 90_000);

    const ttls = await Promise.all([
      redis.redis.pttl(conversationKey('slack', channel)),
      redis.redis.pttl(jobIndexKey('aaaaaaaaaaa1')),
    ]);

    expect(ttls.every((ttl) => ttl > 80_000 && ttl <= 90_000)).toBe(true);
  });

  it('replaces an unreadable state instead of blocking the channel forever', async () => {
    await redis.redis.set(conversationKey('slack', channel), '{not json');

    const result = await manager.acquire(state('aaaaaaaaaaa1'), 60_000);

    expect(result).toEqual({ acquired: true });
  });
});
