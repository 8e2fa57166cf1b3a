import { FakeSlackApi, FakeSocketModeServer } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, nextTs, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('slack/slack-app (Socket Mode)', () => {
  let slack: FakeSlackApi;
  let socket: FakeSocketModeServer;
  let harness: DispatcherHarness;

  beforeAll(async () => {
    slack = await new FakeSlackApi().start();
    socket = await new FakeSocketModeServer().start();
    slack.socketModeUrl = socket.url;
    harness = await DispatcherHarness.start({ slack, env: { SLACK_APP_TOKEN: 'xapp-test' } });
  });

  afterAll(async () => {
    await harness.stop();
    await socket.stop();
    await slack.stop();
  });

  it('receives events over the WebSocket, acknowledges each envelope and starts the job', async () => {
    const channel = uniqueChannel();
    await expect
      .poll(() => socket.connections === 1, { message: 'the Socket Mode connection' })
      .toBe(true);

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
    await expect
      .poll(() => harness.spawner.spawned.some((spec) => spec.channelId === channel), {
        message: 'the spawn',
      })
      .toBe(true);
    const ready = await fetch(`${harness.url}/ready`);
    const slackEvents = await fetch(`${harness.url}/slack/events`, {
      method: 'POST',
      body: '{}',
    });

    expect(socket.received).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
    expect(harness.spawner.spawned.find((spec) => spec.channelId === channel)?.intent).toEqual({
      ticketId: '5',
      project: 'api-v2',
    });
    expect([ready.status, slackEvents.status]).toEqual([200, 404]);
  });
});
