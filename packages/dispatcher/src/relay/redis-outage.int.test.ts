import { jobOutStreamKey } from '@agentsmith/contracts';
import { FakeSlackApi, type RedisTestContext } from '@agentsmith/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { RedisServerProcess } from '../../test/support/redis-server-process.js';

describe('relay/redis-outage', () => {
  let server: RedisServerProcess;
  let slack: FakeSlackApi;
  let harness: DispatcherHarness;
  let writer: Redis;

  beforeAll(async () => {
    server = await RedisServerProcess.start();
    slack = await new FakeSlackApi().start();
    writer = new Redis(server.url, { maxRetriesPerRequest: null });
    writer.on('error', () => undefined);
    const context: RedisTestContext = {
      redis: writer,
      prefix: 'outage:',
      url: server.url,
      connect: () => new Redis(server.url),
      cleanup: () => Promise.resolve(),
      track: () => undefined,
    };
    harness = await DispatcherHarness.start({ redis: context, slack });
  });

  afterAll(async () => {
    await harness.stop();
    writer.disconnect();
    await slack.stop();
    await server.stop();
  });

  it('keeps answering while Redis is away and relays everything once it is back', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.spawned.length === 1, { message: 'the spawn' })
      .toBe(true);
    const { jobId } = harness.spawner.spawned[0]!;
    await harness.agentWrites({ type: 'detail', jobId, at: Date.now(), text: 'before the outage' });
    await expect
      .poll(() => slack.calls.some((call) => call.args['text'] === 'before the outage'))
      .toBe(true);

    await server.kill();
    const duringStatus = await harness.message(channel, 'status');
    const ready = await fetch(`${harness.dispatcher.opsUrl}/ready`);
    const health = await fetch(`${harness.url}/health`);
    await expect
      .poll(
        () =>
          slack.calls.some((call) => String(call.args['text']).startsWith('Something went wrong')),
        { timeout: 30_000 },
      )
      .toBe(true);
    await server.restart();
    await harness.agentWrites(
      { type: 'detail', jobId, at: Date.now(), text: 'after the outage' },
      { type: 'done', jobId, at: Date.now(), summary: 'Fixed', durationMs: 1000, changedFiles: [] },
    );
    await expect
      .poll(() => slack.calls.some((call) => String(call.args['text']).startsWith('Done:')), {
        timeout: 60_000,
      })
      .toBe(true);
    await expect
      .poll(
        async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);
    await expect
      .poll(async () => (await writer.xpending(jobOutStreamKey(jobId), 'dispatcher'))[0] === 0, {
        message: 'every entry to be acknowledged',
      })
      .toBe(true);

    expect([duringStatus, ready.status, health.status]).toEqual([200, 503, 200]);
    expect(slack.transcript().filter((line) => /outage|Done:/.test(line))).toEqual([
      'chat.postMessage before the outage',
      'chat.postMessage after the outage',
      'chat.postMessage Done: Fixed',
    ]);
  });
});
