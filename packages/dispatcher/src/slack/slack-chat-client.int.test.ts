import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FakeSlackApi, rejectionOf } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackCallError, SlackChatClient } from './slack-chat-client.js';

const FAST = { minRetryDelayMs: 10, maxRetryDelayMs: 40 };

describe('SlackChatClient against the fake Slack Web API', () => {
  let slack: FakeSlackApi;
  let client: SlackChatClient;

  beforeEach(async () => {
    slack = await new FakeSlackApi({ botToken: 'xoxb-right' }).start();
    client = new SlackChatClient({ token: 'xoxb-right', apiUrl: slack.apiUrl, ...FAST });
  });
  afterEach(async () => {
    client.close();
    await slack.stop();
  });

  it('sends JSON with the bot token as a bearer and keeps the arguments’ types', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi', verbatim: true } }];
    const answer = await client.call('chat.postMessage', {
      channel: 'C1',
      text: 'hi',
      blocks,
      link_names: false,
      unfurl_links: false,
    });

    expect(answer['ok']).toBe(true);
    expect(typeof answer['ts']).toBe('string');
    const [request] = slack.server.requests.filter((r) => r.path.endsWith('/chat.postMessage'));
    expect(request?.headers['authorization']).toBe('Bearer xoxb-right');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.json).toEqual({
      channel: 'C1',
      text: 'hi',
      blocks,
      link_names: false,
      unfurl_links: false,
    });
  });

  it('waits out a 429 as Retry-After says, holding back the method’s other calls', async () => {
    slack.rateLimitNext(1, 1, 'chat.update');
    const started = Date.now();
    const first = client.call('chat.update', { channel: 'C1', ts: '1.1', text: 'a' });
    // Sent while the first waits out the limit: it must not reach Slack before the wait is over,
    // while another method is not held back.
    await expect.poll(() => slack.refusals.length).toBe(1);
    const second = client.call('chat.update', { channel: 'C1', ts: '1.2', text: 'b' });
    await client.call('chat.postMessage', { channel: 'C1', text: 'other method' });
    await Promise.all([first, second]);
    expect(slack.calls.map((call) => call.method)).toEqual([
      'chat.postMessage',
      'chat.update',
      'chat.update',
    ]);

    const refused = slack.refusals.filter((refusal) => refusal.status === 429);
    expect(refused).toHaveLength(1);
    const accepted = slack.callsTo('chat.update');
    expect(accepted.map((call) => call.args['text']).sort()).toEqual(['a', 'b']);
    for (const call of accepted) expect(call.at - refused[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up when Slack stays rate limited, says how long to wait, and keeps the pause', async () => {
    const impatient = new SlackChatClient({
      token: 'xoxb-right',
      apiUrl: slack.apiUrl,
      retries: 0,
    });
    try {
      slack.rateLimitNext(2, 1, 'chat.update');
      const error = await rejectionOf(
        impatient.call('chat.update', { channel: 'C1', ts: '1.1' }),
        SlackCallError,
      );
      expect(error.failure).toEqual({ kind: 'rate_limited', retryAfterMs: 2000 });
      expect(slack.refusals).toHaveLength(1);

      // The next call of the method waits for the rest of Slack's Retry-After.
      await impatient.call('chat.update', { channel: 'C1', ts: '1.1', text: 'later' });
      expect(slack.callsTo('chat.update')[0]!.at - slack.refusals[0]!.at).toBeGreaterThanOrEqual(
        1_950,
      );
    } finally {
      impatient.close();
    }
  });

  it('tries a 5xx again with a doubling delay, then succeeds', async () => {
    const slow = new SlackChatClient({
      token: 'xoxb-right',
      apiUrl: slack.apiUrl,
      minRetryDelayMs: 100,
      maxRetryDelayMs: 1_000,
    });
    try {
      slack.failNextWithStatus(503, 2, 'chat.postMessage');
      const answer = await slow.call('chat.postMessage', { channel: 'C1', text: 'x' });

      expect(answer['ok']).toBe(true);
      const [first, second] = slack.refusals.map((refusal) => refusal.at);
      const accepted = slack.callsTo('chat.postMessage')[0]!.at;
      expect(slack.refusals.map((refusal) => refusal.status)).toEqual([503, 503]);
      expect(second! - first!).toBeGreaterThanOrEqual(95);
      expect(accepted - second!).toBeGreaterThanOrEqual(195);
    } finally {
      slow.close();
    }
  });

  it('stops after its retries and reports the status', async () => {
    slack.failNextWithStatus(502, 4, 'chat.postMessage');
    const error = await rejectionOf(
      client.call('chat.postMessage', { channel: 'C1', text: 'x' }),
      SlackCallError,
    );

    expect(error.failure).toEqual({ kind: 'http', status: 502 });
    expect(slack.server.requests.filter((r) => r.path.endsWith('/chat.postMessage'))).toHaveLength(
      4,
    );
  });

  it('takes ok:false as final: one call, the platform error named', async () => {
    slack.failNext('channel_not_found', 1, 'chat.postMessage');
    const error = await rejectionOf(
      client.call('chat.postMessage', { channel: 'C404', text: 'x' }),
      SlackCallError,
    );

    expect(error.failure).toEqual({ kind: 'platform', error: 'channel_not_found' });
    expect(error.message).toContain('channel_not_found');
    expect(slack.server.requests.filter((r) => r.path.endsWith('/chat.postMessage'))).toHaveLength(
      1,
    );
  });

  it('does not try a 4xx again: a proxy refusing will refuse the next one too', async () => {
    slack.failNextWithStatus(403, 2, 'chat.update');
    const error = await rejectionOf(
      client.call('chat.update', { channel: 'C1', ts: '1.1' }),
      SlackCallError,
    );

    expect(error.failure).toEqual({ kind: 'http', status: 403 });
    expect(slack.server.requests.filter((r) => r.path.endsWith('/chat.update'))).toHaveLength(1);
  });
});

describe('SlackChatClient when no proper answer comes', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let answer: (request: IncomingMessage, response: ServerResponse) => void;
  let url: string;

  beforeEach(async () => {
    server = createServer((request, response) => answer(request, response));
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ends a call that gets no answer within the timeout, after its retries', async () => {
    let calls = 0;
    answer = () => {
      calls += 1; // never answers
    };
    const client = new SlackChatClient({
      token: 't',
      apiUrl: url,
      timeoutMs: 200,
      retries: 1,
      ...FAST,
    });
    try {
      const error = await rejectionOf(
        client.call('chat.update', { channel: 'C1', ts: '1' }),
        SlackCallError,
      );
      expect(error.failure).toEqual({ kind: 'request', message: 'no answer within 200 ms' });
      expect(calls).toBe(2);
    } finally {
      client.close();
    }
  });

  it('ends a call whose answer trickles in past the timeout', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => response.write(' '), 50);
      response.on('close', () => clearInterval(drip));
    };
    const client = new SlackChatClient({ token: 't', apiUrl: url, timeoutMs: 300, retries: 0 });
    try {
      const error = await rejectionOf(
        client.call('chat.update', { channel: 'C1', ts: '1' }),
        SlackCallError,
      );
      expect(error.failure).toEqual({ kind: 'request', message: 'no answer within 300 ms' });
    } finally {
      client.close();
    }
  });

  it('refuses an answer that is not JSON, and one far larger than Slack sends', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>proxy login</html>');
    };
    const client = new SlackChatClient({ token: 't', apiUrl: url, retries: 0 });
    try {
      const notJson = await rejectionOf(
        client.call('chat.update', { channel: 'C1', ts: '1' }),
        SlackCallError,
      );
      expect(notJson.failure).toEqual({ kind: 'request', message: 'the answer is not JSON' });

      answer = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let index = 0; index < 6; index += 1) response.write(chunk);
        response.end('{"ok":true}');
      };
      const large = await rejectionOf(
        client.call('chat.update', { channel: 'C1', ts: '1' }),
        SlackCallError,
      );
      expect(large.failure).toEqual({
        kind: 'request',
        message: 'answer larger than 4194304 bytes',
      });
    } finally {
      client.close();
    }
  });

  it('reports a connection cut in the middle of the answer', async () => {
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"ok":');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const client = new SlackChatClient({ token: 't', apiUrl: url, retries: 0 });
    try {
      const error = await rejectionOf(
        client.call('chat.update', { channel: 'C1', ts: '1' }),
        SlackCallError,
      );
      expect(error.failure.kind).toBe('request');
    } finally {
      client.close();
    }
  });
});
