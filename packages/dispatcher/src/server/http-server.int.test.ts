import { jobOutStreamKey } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';
import { sendUntilClosed } from '@agentsmith/testkit';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { RELAY_GROUP } from '../jobs/job-keys.js';
import { BODY_LIMIT_BYTES } from '../slack/verify-slack-request.js';

/** The metrics page as `name → value`. */
async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith('agentsmith_'))
      .map((line) => {
        const [name = '', value = ''] = line.split(' ');
        return [name, Number(value)];
      }),
  );
}

describe('server/http-server', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('counts jobs started, finished and failed, relayed entries, relay lag and Slack API errors in /metrics', async () => {
    const before = await scrape(harness.dispatcher.opsUrl);
    const writtenAt = Date.now() - 60_000;
    const finished = uniqueChannel();
    const jobId = await harness.startJob(finished);
    harness.slack.failNext('invalid_blocks', 1, 'chat.postMessage');
    await harness.agentWrites({ type: 'detail', jobId, at: writtenAt, text: 'refused by Slack' });
    await expect
      .poll(
        () =>
          harness.slack.server
            .requestsTo('POST', '/api/chat.postMessage')
            .some((request) => JSON.stringify(request.json).includes('refused by Slack')),
        { message: 'the refused post' },
      )
      .toBe(true);
    await harness.agentWrites({ type: 'detail', jobId, at: writtenAt, text: 'a detail' });
    await expect
      .poll(() => harness.slack.calls.some((call) => call.args['text'] === 'a detail'))
      .toBe(true);
    await harness.agentWrites({
      type: 'done',
      jobId,
      at: writtenAt,
      summary: 'Fixed',
      durationMs: 1000,
      changedFiles: [],
    });
    await expect
      .poll(
        async () =>
          (await harness.dispatcher.context.conversations.get('slack', finished)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);
    harness.spawner.failNextSpawn(new AppError('agent_image_missing', 'no image'));
    await harness.startJob(uniqueChannel());
    await expect
      .poll(() => harness.dispatcher.metrics.jobsFailed === 1, { message: 'the failed spawn' })
      .toBe(true);

    const after = await scrape(harness.dispatcher.opsUrl);
    const delta = (name: string) => (after[name] ?? NaN) - (before[name] ?? NaN);

    expect({
      started: delta('agentsmith_jobs_started_total'),
      finished: delta('agentsmith_jobs_finished_total'),
      failed: delta('agentsmith_jobs_failed_total'),
      slackErrors: delta('agentsmith_slack_api_errors_total'),
      entries: delta('agentsmith_relay_entries_total'),
      lagAtLeastAMinute: (after['agentsmith_relay_lag_milliseconds'] ?? 0) >= 60_000,
    }).toEqual({
      started: 1,
      finished: 1,
      failed: 1,
      slackErrors: 1,
      entries: 3,
      lagAtLeastAMinute: true,
    });
  });

  it('keeps /metrics and the readiness reasons off the public port: they are on the ops port only', async () => {
    const publicMetrics = await fetch(`${harness.url}/metrics`);
    const publicReady = await fetch(`${harness.url}/ready`);
    const opsMetrics = await fetch(`${harness.dispatcher.opsUrl}/metrics`);
    const opsReady = await fetch(`${harness.dispatcher.opsUrl}/ready`);
    const opsSlack = await fetch(`${harness.dispatcher.opsUrl}/slack/events`, {
      method: 'POST',
      body: '{}',
    });

    expect([publicMetrics.status, await publicReady.json()]).toEqual([404, { status: 'ready' }]);
    expect(await publicMetrics.text()).not.toContain('agentsmith_');
    expect([opsMetrics.status, opsReady.status, opsSlack.status]).toEqual([200, 200, 404]);
    expect(await opsMetrics.text()).toMatch(/^agentsmith_access_refusals_total 0$/m);
    expect(await opsReady.json()).toMatchObject({
      status: 'ready',
      checks: [
        { name: 'redis', ready: true },
        { name: 'spawner', ready: true },
      ],
    });
    expect(harness.dispatcher.opsUrl).not.toBe(harness.url);
  });

  it.each([
    ['declared in Content-Length', true],
    ['sent chunked', false],
  ])(
    'cuts off an oversized Slack body %s: 413, and the socket closes before the body is sent',
    async (_case, declare) => {
      const total = BODY_LIMIT_BYTES * 16;

      const result = await sendUntilClosed(new URL(harness.url), '/slack/events', total, declare);
      const health = await fetch(`${harness.url}/health`);

      expect(result.status).toBe(413);
      expect(result.sentBytes).toBeLessThan(total);
      expect(health.status).toBe(200);
    },
  );

  it('answers a body sent to any other path with 404 and closes the connection without reading it', async () => {
    const total = BODY_LIMIT_BYTES * 16;

    const result = await sendUntilClosed(new URL(harness.url), '/not-slack', total, false);
    const ops = await sendUntilClosed(new URL(harness.dispatcher.opsUrl), '/metrics', total, true);

    expect([result.status, ops.status]).toEqual([404, 404]);
    expect([result.sentBytes < total, ops.sentBytes < total]).toEqual([true, true]);
  });

  it('answers 408 and closes a connection whose headers do not arrive within the headers timeout', async () => {
    await harness.stop();
    harness = await DispatcherHarness.start({
      dependencies: { httpTimeouts: { headersMs: 500, requestMs: 1_000 } },
    });
    const socket = connect(Number(new URL(harness.url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST /slack/events HTTP/1.1\r\nHost: x\r\n');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));

    await closed;

    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('acknowledges an entry only once Slack accepted it, and on shutdown finishes the call in hand before closing Redis', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.slack.delayNext(1_500, 1, 'chat.postMessage');
    await harness.agentWrites({ type: 'detail', jobId, at: Date.now(), text: 'in flight' });
    await expect
      .poll(
        () =>
          harness.slack.server
            .requestsTo('POST', '/api/chat.postMessage')
            .some((request) => JSON.stringify(request.json).includes('in flight')),
        { message: 'the post to reach Slack' },
      )
      .toBe(true);

    const pendingWhileSlackIsBusy = await harness.redis.redis.xpending(
      jobOutStreamKey(jobId),
      RELAY_GROUP,
    );

    await harness.dispatcher.close(5_000);
    const pending = await harness.redis.redis.xpending(jobOutStreamKey(jobId), RELAY_GROUP);
    const ready = await fetch(`${harness.url}/ready`).then(
      (response) => response.status,
      () => 'refused',
    );

    expect(harness.slack.transcript().filter((line) => line.includes('in flight'))).toEqual([
      'chat.postMessage in flight',
    ]);
    expect([pendingWhileSlackIsBusy[0], pending[0]]).toEqual([1, 0]);
    expect(ready).toBe('refused');
  });
});
