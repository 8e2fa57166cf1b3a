import {
  FakeSlackApi,
  FakeSocketModeServer,
  redisTestContext,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

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
      await expect
        .poll(() => slack.refusals.length === 1, { message: 'the failed auth.test' })
        .toBe(true);
      await harness.message(channel, 'help');
      await expect
        .poll(
          () => slack.callsTo('chat.postMessage').some((call) => call.args['channel'] === channel),
          { message: 'the help reply' },
        )
        .toBe(true);
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
    const harness = await DispatcherHarness.start({
      redis,
      slack,
      env: { SLACK_APP_TOKEN: 'xapp-test' },
    });
    try {
      const health = await fetch(`${harness.url}/health`);
      await expect
        .poll(() => socket.connections === 1, {
          timeout: 20_000,
          message: 'the Socket Mode connection',
        })
        .toBe(true);

      expect(health.status).toBe(200);
      expect(
        slack.refusals.filter((refusal) => refusal.method === 'apps.connections.open'),
      ).toHaveLength(4);
    } finally {
      await harness.stop();
      await socket.stop();
    }
  });
});
