import {
  FakeSlackApi,
  FakeSocketModeServer,
  redisTestContext,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { silentLogger } from '@agentsmith/kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  eventually,
  fakeCatalog,
  uniqueChannel,
} from '../../test/support/dispatcher-harness.js';
import { loadDispatcherConfig } from '../config/dispatcher-config.js';
import { startDispatcher } from '../dispatcher.js';
import { FakeJobSpawner } from '../spawners/fake-job-spawner.js';

/** Slack unreachable while the dispatcher starts must not leave it broken once Slack is back. */
describe('slack/slack-app (Slack unreachable at start-up)', () => {
  let redis: RedisTestContext;
  let slack: FakeSlackApi;

  beforeEach(async () => {
    redis = await redisTestContext();
    slack = await new FakeSlackApi().start();
  });

  afterEach(async () => {
    await slack.stop();
    await redis.cleanup();
  });

  it('asks auth.test again after it failed, so later events are handled', async () => {
    slack.failNext('service_unavailable', 1, 'auth.test');
    const harness = await DispatcherHarness.start({ redis, slack });
    const channel = uniqueChannel();

    try {
      await harness.message(channel, 'help');
      await eventually(() => slack.refusals.length === 1, 'the failed auth.test');
      await harness.message(channel, 'help');
      await eventually(
        () => slack.callsTo('chat.postMessage').some((call) => call.args['channel'] === channel),
        'the help reply',
      );
    } finally {
      await harness.stop();
    }

    expect(slack.refusals.map((refusal) => refusal.method)).toEqual(['auth.test']);
    expect(slack.server.requestsTo('POST', '/api/auth.test')).toHaveLength(2);
  });

  it('keeps trying to open the Socket Mode connection instead of exiting', async () => {
    const socket = await new FakeSocketModeServer().start();
    slack.socketModeUrl = socket.url;
    slack.failNextWithStatus(503, 4, 'apps.connections.open');
    const config = loadDispatcherConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: 'xapp-test',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      PORT: '0',
    });

    const dispatcher = await startDispatcher(config, {
      logger: silentLogger(),
      spawner: new FakeJobSpawner(),
      projects: fakeCatalog(),
      keyPrefix: redis.prefix,
      host: '127.0.0.1',
      supervise: false,
    });
    try {
      const health = await fetch(`${dispatcher.url}/health`);
      await eventually(() => socket.connections === 1, 'the Socket Mode connection', 20_000);

      expect(health.status).toBe(200);
      expect(
        slack.refusals.filter((refusal) => refusal.method === 'apps.connections.open'),
      ).toHaveLength(4);
    } finally {
      await dispatcher.close(1_000);
      await socket.stop();
    }
  });
});
