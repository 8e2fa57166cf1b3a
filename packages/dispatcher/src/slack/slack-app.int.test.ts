import { signSlackRequest } from '@agentsmith/testkit';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  SIGNING_SECRET,
  uniqueChannel,
} from '../../test/support/dispatcher-harness.js';

describe('slack/slack-app', () => {
  let harness: DispatcherHarness;

  beforeAll(async () => {
    harness = await DispatcherHarness.start();
  });

  afterAll(async () => {
    await harness.stop();
  });

  const eventBody = (text: string, channel = uniqueChannel()) =>
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `Ev${randomBytes(4).toString('hex')}`,
      event: { type: 'message', channel, user: 'UHUMAN', text, ts: '1.000001' },
    });

  it.each([
    [
      'a missing signature',
      () =>
        fetch(`${harness.url}/slack/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: eventBody('help'),
        }),
    ],
    [
      'a wrong signature',
      () => harness.post('/slack/events', eventBody('help'), { secret: 'not-the-secret' }),
    ],
    [
      'a stale timestamp',
      () =>
        harness.post('/slack/events', eventBody('help'), {
          timestamp: Math.floor(Date.now() / 1000) - 301,
        }),
    ],
    [
      'a timestamp from the future',
      () =>
        harness.post('/slack/events', eventBody('help'), {
          timestamp: Math.floor(Date.now() / 1000) + 301,
        }),
    ],
    [
      'a tampered body',
      async () => {
        const signed = signSlackRequest(SIGNING_SECRET, eventBody('help'));
        return fetch(`${harness.url}/slack/events`, {
          method: 'POST',
          headers: signed.headers,
          body: signed.body.replace('help', 'cancel'),
        });
      },
    ],
  ])('rejects %s with 401 and does nothing', async (_case, send) => {
    const before = harness.slack.calls.length;

    const response = await send();

    expect(response.status).toBe(401);
    expect(harness.slack.calls.length).toBe(before);
  });

  it('handles a request signed up to five minutes ago or ahead: one check, the window both ways', async () => {
    const now = Math.floor(Date.now() / 1000);
    const [late, early] = [uniqueChannel(), uniqueChannel()];

    const statuses = [
      await harness.event(
        { type: 'app_mention', channel: late, user: 'UHUMAN', text: '<@UBOT> help', ts: '2.1' },
        { timestamp: now - 290 },
      ),
      await harness.event(
        { type: 'app_mention', channel: early, user: 'UHUMAN', text: '<@UBOT> help', ts: '2.2' },
        { timestamp: now + 290 },
      ),
    ];
    await expect
      .poll(() => [harness.textsIn(late).length, harness.textsIn(early).length])
      .toEqual([1, 1]);

    expect(statuses).toEqual([200, 200]);
    expect(harness.textsIn(late)[0]).toMatch(/^I fix tickets and open pull requests/);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await harness.post('/slack/events', '{"type": "event_callback", ');

    expect(response.status).toBe(400);
  });

  it('answers the URL verification challenge', async () => {
    const response = await harness.post(
      '/slack/events',
      JSON.stringify({ type: 'url_verification', challenge: 'abc123' }),
    );

    expect([response.status, await response.json()]).toEqual([200, { challenge: 'abc123' }]);
  });

  it.each([
    [
      'an unknown event type',
      {
        type: 'event_callback',
        team_id: 'T1',
        event_id: 'Ev1',
        event: { type: 'reaction_added', user: 'U1' },
      },
    ],
    ['an unknown payload type', { type: 'something_new', team_id: 'T1' }],
    ['an empty object', {}],
    [
      'a message without text',
      {
        type: 'event_callback',
        team_id: 'T1',
        event_id: 'Ev2',
        event: { type: 'message', channel: 'C1', user: 'U1', ts: '1.1' },
      },
    ],
  ])('acknowledges %s with 200 and does nothing', async (_case, body) => {
    const before = harness.slack.calls.length;

    const response = await harness.post('/slack/events', JSON.stringify(body));

    expect(response.status).toBe(200);
    expect(harness.slack.calls.length).toBe(before);
  });

  it('answers mentions and direct messages it does not understand with the help text, but not overheard chat', async () => {
    const [mention, direct, overheard] = [uniqueChannel(), uniqueChannel(), uniqueChannel()];

    await harness.message(overheard, 'lunch at noon?');
    await harness.message(overheard, 'hello');
    await harness.message(mention, '<@UBOT> please do my homework');
    await harness.message(direct, 'what can you do', { channel_type: 'im' });
    await harness.message(overheard, 'help');
    await expect
      .poll(() =>
        [mention, direct, overheard].every(
          (channel) => harness.textsIn(channel, 'chat.postMessage').length === 1,
        ),
      )
      .toBe(true);

    expect(
      [mention, direct, overheard].map((channel) => harness.textsIn(channel, 'chat.postMessage')),
    ).toEqual([
      [expect.stringMatching(/^I didn't understand that\. Try:\n• `fix #58 in agent-smith-test`/)],
      [expect.stringMatching(/^I didn't understand that\. Try:\n/)],
      [expect.stringMatching(/^I fix tickets and open pull requests\. Try:\n/)],
    ]);
  });

  it('acknowledges an event before its work is done; the work continues after the answer', async () => {
    const channel = uniqueChannel();
    harness.slack.delayNext(3_000, 1, 'chat.postMessage');

    const status = await harness.message(channel, '<@UBOT> help');
    const answeredBeforeTheReply = harness.slack.calls.every(
      (call) => call.args['channel'] !== channel,
    );
    await expect
      .poll(() => harness.slack.calls.some((call) => call.args['channel'] === channel))
      .toBe(true);

    expect([status, answeredBeforeTheReply]).toEqual([200, true]);
  });

  it('answers 404 for other paths, and serves health (metrics only on the ops port)', async () => {
    const [missing, health, metrics] = await Promise.all([
      fetch(`${harness.url}/nope`),
      fetch(`${harness.url}/health`),
      fetch(`${harness.dispatcher.opsUrl}/metrics`),
    ]);

    expect([missing.status, health.status, metrics.status]).toEqual([404, 200, 200]);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(await metrics.text()).toMatch(/^agentsmith_jobs_started_total \d+$/m);
  });

  it('never answers a well-signed random payload with a 5xx and keeps serving', async () => {
    const seed = randomBytes(4).readUInt32LE();
    let state = seed;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
    const value = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 2 ? 4 : 7));
      if (kind === 0)
        return pick([
          'message',
          'app_mention',
          'block_actions',
          'event_callback',
          'fix #1 in api-v2',
          '',
          '<@U1>',
          '\u0000',
        ]);
      if (kind === 1) return Math.floor(random() * 1e6) * (random() < 0.5 ? -1 : 1);
      if (kind === 2) return random() < 0.5;
      if (kind === 3) return null;
      if (kind === 4)
        return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const keys = [
        'type',
        'event',
        'event_id',
        'actions',
        'user',
        'channel',
        'text',
        'ts',
        'payload',
        'block_id',
        'action_id',
        'value',
        'subtype',
        'message',
      ];
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 6) }, () => [pick(keys), value(depth + 1)]),
      );
    };
    const statuses: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      const batch = Array.from({ length: 20 }, () => {
        const body = value(0) as Record<string, unknown>;
        if (random() < 0.3)
          return harness.post(
            '/slack/interact',
            new URLSearchParams({
              payload: JSON.stringify({ type: 'block_actions', ...(body ?? {}) }),
            }).toString(),
            { contentType: 'application/x-www-form-urlencoded' },
          );
        if (random() < 0.5)
          return harness.post(
            '/slack/events',
            JSON.stringify({
              type: 'event_callback',
              team_id: 'T1',
              event_id: `Ev${random()}`,
              event: body,
            }),
          );
        return harness.post(pick(['/slack/events', '/slack/interact']), JSON.stringify(body));
      });
      statuses.push(...(await Promise.all(batch)).map((response) => response.status));
    }
    const health = await fetch(`${harness.url}/health`);

    expect({ seed, fiveHundreds: statuses.filter((status) => status >= 500) }).toEqual({
      seed,
      fiveHundreds: [],
    });
    expect(statuses).toHaveLength(200);
    expect(health.status).toBe(200);
  });
});
