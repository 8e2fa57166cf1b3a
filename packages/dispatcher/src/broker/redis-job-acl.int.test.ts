import { Redis } from 'ioredis';
import { jobInStreamKey, jobOutStreamKey } from '@agentsmith/contracts';
import { newJobId } from '@agentsmith/kit';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintPassword } from './job-token.js';
import { createJobRedisUser, deleteJobRedisUser } from './redis-job-acl.js';

describe('Redis ACL user per job (real Redis)', () => {
  let context: RedisTestContext;
  let agent: Redis;
  let username: string;
  const jobId = newJobId();
  const otherJob = newJobId();
  const password = mintPassword();

  /** Connects as the agent does: user and password from the environment, no INFO ready check. */
  const connectAs = (user: string, secret: string) =>
    new Redis(context.url, {
      username: user,
      password: secret,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
      connectionName: 'agentsmith-agent',
    });

  beforeAll(async () => {
    context = await redisTestContext();
    context.track(
      jobOutStreamKey(jobId),
      jobInStreamKey(jobId),
      jobOutStreamKey(otherJob),
      jobInStreamKey(otherJob),
    );
    await context.redis.xadd(jobInStreamKey(jobId), '*', 'type', 'answer');
    await context.redis.xadd(
      jobInStreamKey(otherJob),
      '*',
      'type',
      'answer',
      'secret',
      'other-job',
    );
    await context.redis.set(`${context.prefix}victim`, 'still here');
    username = await createJobRedisUser(context.redis, jobId, password);
    agent = connectAs(username, password);
    agent.on('error', () => undefined);
    await agent.connect();
  });
  afterAll(async () => {
    agent.disconnect();
    await deleteJobRedisUser(context.redis, jobId).catch(() => undefined);
    await context.cleanup();
  });

  it('lets the agent do what it needs: ping, append its entries, read its input', async () => {
    expect(await agent.ping()).toBe('PONG');
    expect(
      await agent.xadd(jobOutStreamKey(jobId), 'MAXLEN', '~', 1000, '*', 'type', 'progress'),
    ).toMatch(/-/);
    expect(await agent.xadd(jobOutStreamKey(jobId), '*', 'type', 'done')).toMatch(/-/);
    const read = await agent.xread('COUNT', 10, 'STREAMS', jobInStreamKey(jobId), '0');
    expect(read?.[0]?.[1]).toHaveLength(1);
  });

  it.each([
    ['FLUSHALL', ['flushall']],
    ['FLUSHDB', ['flushdb']],
    [
      "XADD into another job's stream",
      ['xadd', jobOutStreamKey('aaaaaaaaaaaa'), '*', 'type', 'done'],
    ],
    [
      'XADD into its own input (forging an answer)',
      ['xadd', jobInStreamKey(jobId), '*', 'type', 'answer'],
    ],
    ["XREAD of another job's input", ['xread', 'STREAMS', jobInStreamKey('bbbbbbbbbbbb'), '0']],
    ['KEYS', ['keys', '*']],
    ['SCAN', ['scan', '0']],
    ['GET of a dispatcher key', ['get', 'dispatcher:jobs:active']],
    ['SET of a conversation', ['set', 'conversation:slack:C1', 'x']],
    ['DEL of its own stream', ['del', jobOutStreamKey(jobId)]],
    ['EXPIRE of its own stream (a delayed delete)', ['expire', jobOutStreamKey(jobId), '0']],
    ['MULTI', ['multi']],
    ['CONFIG GET', ['config', 'get', '*']],
    ['ACL LIST', ['acl', 'list']],
    ['INFO', ['info']],
    ['PUBLISH', ['publish', 'dispatcher:jobs:changed', 'x']],
    ['CLIENT LIST', ['client', 'list']],
    ['EVAL', ['eval', "return redis.call('flushall')", '0']],
  ])('refuses %s', async (_name, command) => {
    const [name, ...args] = command as [string, ...string[]];
    await expect(agent.call(name, ...args)).rejects.toThrow(/NOPERM/);
    expect(await context.redis.get(`${context.prefix}victim`)).toBe('still here');
  });

  it("refuses reading the other job's input stream by its real id", async () => {
    await expect(agent.xread('STREAMS', jobInStreamKey(otherJob), '0')).rejects.toThrow(/NOPERM/);
  });

  it('stops working once the job ends: the user is deleted and its connections closed', async () => {
    const second = connectAs(username, password);
    second.on('error', () => undefined);
    await second.connect();
    await deleteJobRedisUser(context.redis, jobId);
    await expect(second.ping()).rejects.toThrow();
    await expect(context.connect().call('AUTH', username, password)).rejects.toThrow(/WRONGPASS/);
    second.disconnect();
  });
});
