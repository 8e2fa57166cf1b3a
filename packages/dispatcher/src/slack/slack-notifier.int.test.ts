import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExternalServiceError } from '@agentsmith/kit';
import { FakeSlackApi, rejectionOf } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../server/metrics.js';
import { SlackChatClient } from './slack-chat-client.js';
import { SlackNotifier } from './slack-notifier.js';

const NOTICE = { kind: 'no-job' } as const;

/**
 * What the relay does with a failed call depends on `retryable`: kept pending and tried again,
 * or logged and skipped (relay/entry-delivery.ts). These pin that mapping.
 */
describe('SlackNotifier: which failures the relay tries again', () => {
  let slack: FakeSlackApi;
  let client: SlackChatClient;
  let notifier: SlackNotifier;
  const metrics = createMetrics();

  beforeEach(async () => {
    slack = await new FakeSlackApi().start();
    client = new SlackChatClient({
      token: 'xoxb-test',
      apiUrl: slack.apiUrl,
      retries: 1,
      minRetryDelayMs: 5,
    });
    notifier = new SlackNotifier(client, metrics);
  });
  afterEach(async () => {
    client.close();
    await slack.stop();
  });

  it('posts and edits a notice, returning the message ts', async () => {
    const ts = await notifier.post('C1', NOTICE, '1.0');
    await notifier.update('C1', ts, NOTICE);

    expect(slack.callsTo('chat.postMessage')[0]?.args).toMatchObject({ thread_ts: '1.0' });
    expect(slack.callsTo('chat.update')[0]?.args).toMatchObject({ ts });
  });

  it.each([
    ['an outage (HTTP 503)', () => slack.failNextWithStatus(503, 2), true, 503],
    ['a proxy refusing (HTTP 403)', () => slack.failNextWithStatus(403, 2), false, 403],
    [
      'Slack busy (ok:false internal_error)',
      () => slack.failNext('internal_error'),
      true,
      undefined,
    ],
    [
      'Slack refusing (ok:false invalid_blocks)',
      () => slack.failNext('invalid_blocks'),
      false,
      undefined,
    ],
  ])('%s → retryable %s', async (_name, fail, retryable, status) => {
    fail();
    const before = metrics.slackApiErrors;
    const error = await rejectionOf(notifier.update('C1', '1.1', NOTICE), ExternalServiceError);

    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(metrics.slackApiErrors).toBe(before + 1);
  });

  it('passes on how long Slack asked to wait when it stays rate limited', async () => {
    slack.rateLimitNext(0, 2);
    const error = await rejectionOf(notifier.post('C1', NOTICE), ExternalServiceError);

    expect(error.retryable).toBe(true);
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(0);
  });
});

describe('SlackNotifier: a post Slack took but answered without ts', () => {
  let server: Server;
  let posts = 0;

  beforeEach(async () => {
    server = createServer((_request, response) => {
      posts += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is not tried again, so the message is not shown twice', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    const client = new SlackChatClient({ token: 't', apiUrl: url });
    try {
      const error = await rejectionOf(
        new SlackNotifier(client, createMetrics()).post('C1', NOTICE),
        ExternalServiceError,
      );
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('returned no ts');
      expect(posts).toBe(1);
    } finally {
      client.close();
    }
  });
});
