import { jobOutStreamKey } from '@agentsmith/contracts';
import { FakeSlackApi, type RedisTestContext } from '@agentsmith/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  eventually,
  uniqueChannel,
} from '../../test/support/dispatcher-harness.js';
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
    await eventually(() => harness.spawner.spawned.length === 1, 'the spawn');
    const { jobId } = harness.spawner.spawned[0]!;
    await harness.agentWrites({ type: 'detail', jobId, at: Date.now(), text: 'before the outage' });
    await slack.waitFor((calls) => calls.some((call) => call.args['text'] === 'before the outage'));

    await server.kill();
    const duringStatus = await harness.message(channel, 'status');
    const ready = await fetch(`${harness.url}/ready`);
    const health = await fetch(`${harness.url}/health`);
    await slack.waitFor(
      (calls) => calls.some((call) => String(call.args['text']).startsWith('Something went wrong')),
      30_000,
    );
    await server.restart();
    await harness.agentWrites(
      { type: 'detail', jobId, at: Date.now(), text: 'after the outage' },
      { type: 'done', jobId, at: Date.now(), summary: 'Fixed', durationMs: 1000, changedFiles: [] },
    );
    await slack.waitFor(
      (calls) => calls.some((call) => String(call.args['text']).startsWith('Done:')),
      60_000,
    );
    await eventually(
      async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
      'the channel to be free',
    );
    await eventually(
      async () => (await writer.xpending(jobOutStreamKey(jobId), 'dispatcher'))[0] === 0,
      'every entry to be acknowledged',
    );

    expect([duringStatus, ready.status, health.status]).toEqual([200, 503, 200]);
    expect(slack.transcript().filter((line) => /outage|Done:/.test(line))).toEqual([
      'chat.postMessage before the outage',
      'chat.postMessage after the outage',
      'chat.postMessage Done: Fixed',
    ]);
  });
});
