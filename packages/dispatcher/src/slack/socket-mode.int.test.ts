import {
  FakeSlackApi,
  FakeSocketModeServer,
  redisTestContext,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { silentLogger } from '@agentsmith/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeCatalog,
  eventually,
  uniqueChannel,
  nextTs,
} from '../../test/support/dispatcher-harness.js';
import { loadDispatcherConfig } from '../config/dispatcher-config.js';
import { startDispatcher, type RunningDispatcher } from '../dispatcher.js';
import { FakeJobSpawner } from '../spawners/fake-job-spawner.js';

describe('slack/slack-app (Socket Mode)', () => {
  let redis: RedisTestContext;
  let slack: FakeSlackApi;
  let socket: FakeSocketModeServer;
  let dispatcher: RunningDispatcher;
  const spawner = new FakeJobSpawner();

  beforeAll(async () => {
    redis = await redisTestContext();
    slack = await new FakeSlackApi().start();
    socket = await new FakeSocketModeServer().start();
    slack.socketModeUrl = socket.url;
    const config = loadDispatcherConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: 'xapp-test',
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      PORT: '0',
      DISPATCHER_INSTANCE_ID: 'socket-replica',
    });
    dispatcher = await startDispatcher(config, {
      logger: silentLogger(),
      spawner,
      projects: fakeCatalog(),
      keyPrefix: redis.prefix,
      host: '127.0.0.1',
      supervise: false,
    });
  });

  afterAll(async () => {
    await dispatcher.close(1_000);
    for (const spec of spawner.attempted)
      redis.track(
        `job:${spec.jobId}:out`,
        `job:${spec.jobId}:in`,
        `job-index:${spec.jobId}`,
        `conversation:slack:${spec.channelId}`,
      );
    await socket.stop();
    await slack.stop();
    await redis.cleanup();
  });

  it('receives events over the WebSocket, acknowledges each envelope and starts the job', async () => {
    const channel = uniqueChannel();
    await eventually(() => socket.connections === 1, 'the Socket Mode connection');

    socket.push({
      envelope_id: 'env-1',
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: '',
      payload: {
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: 'EvSOCKET1',
        event: {
          type: 'app_mention',
          channel,
          user: 'UHUMAN',
          text: '<@UBOT> fix #5 in api-v2',
          ts: nextTs(),
        },
      },
    });
    await eventually(() => spawner.spawned.some((spec) => spec.channelId === channel), 'the spawn');
    const ready = await fetch(`${dispatcher.url}/ready`);
    const slackEvents = await fetch(`${dispatcher.url}/slack/events`, {
      method: 'POST',
      body: '{}',
    });

    expect(socket.received).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
    expect(spawner.spawned.find((spec) => spec.channelId === channel)?.intent).toEqual({
      ticketId: '5',
      project: 'api-v2',
    });
    expect([ready.status, slackEvents.status]).toEqual([200, 404]);
  });
});
