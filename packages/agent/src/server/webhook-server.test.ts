import { createHmac, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { silentLogger } from '@agentsmith/kit';
import type { FixTicketIntent } from '@agentsmith/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDeliveryLog } from './delivery-log.js';
import { MAX_BODY_BYTES, WebhookServer } from './webhook-server.js';
import { sendUntilClosed } from '@agentsmith/testkit';

const SECRET = 'webhook-secret-1234';

function labeled(number: number, label = 'agent-smith') {
  return JSON.stringify({
    action: 'labeled',
    label: { name: label },
    issue: { number },
    repository: { name: 'demo', full_name: 'acme/demo' },
  });
}

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('server/webhook-server', () => {
  let server: WebhookServer | undefined;
  let release: () => void = () => undefined;
  const started: FixTicketIntent[] = [];

  afterEach(async () => {
    release();
    await server?.close();
    started.length = 0;
  });

  async function start(): Promise<string> {
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server = new WebhookServer({
      secret: SECRET,
      deliveries: new MemoryDeliveryLog(),
      logger: silentLogger(),
      resolve: (issue) =>
        issue.repository === 'acme/demo' && issue.label === 'agent-smith'
          ? { ticketId: String(issue.issueNumber), project: 'demo' }
          : null,
      startRun: async (intent) => {
        started.push(intent);
        await gate;
        return 0;
      },
    });
    const port = await server.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(`${url}/webhook`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-delivery': randomUUID(),
        ...headers,
      },
    });

  it('accepts a signed issues.labeled delivery with 202 and starts one run', async () => {
    const url = await start();
    const body = labeled(58);

    const response = await post(url, body, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(body),
    });

    expect(response.status).toBe(202);
    expect(await response.text()).toBe('Accepted: fix #58 in demo');
    expect(started).toEqual([{ ticketId: '58', project: 'demo' }]);
  });

  it('runs one ticket at a time: a second delivery for a running ticket starts nothing', async () => {
    const url = await start();
    const body = labeled(58);
    const headers = { 'x-github-event': 'issues', 'x-hub-signature-256': sign(body) };
    await post(url, body, headers);

    const second = await post(url, body, headers);
    const other = await post(url, labeled(59), {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(labeled(59)),
    });

    expect(second.status).toBe(200);
    expect(await second.text()).toBe('Already working on demo#58');
    expect(other.status).toBe(202);
    expect(started.map((intent) => intent.ticketId)).toEqual(['58', '59']);
  });

  it.each`
    case                  | signature
    ${'a wrong secret'}   | ${sign(labeled(58), 'other-secret')}
    ${'no signature'}     | ${''}
    ${'a sha1 signature'} | ${'sha1=abc'}
  `('rejects a delivery with $case with 401', async ({ signature }) => {
    const url = await start();

    const response = await post(url, labeled(58), {
      'x-github-event': 'issues',
      'x-hub-signature-256': signature as string,
    });

    expect(response.status).toBe(401);
    expect(started).toEqual([]);
  });

  it.each`
    case                | event       | body
    ${'another label'}  | ${'issues'} | ${labeled(58, 'bug')}
    ${'another event'}  | ${'push'}   | ${labeled(58)}
    ${'another action'} | ${'issues'} | ${labeled(58).replace('"labeled"', '"opened"')}
  `('ignores $case with 200', async ({ event, body }) => {
    const url = await start();

    const response = await post(url, body as string, {
      'x-github-event': event as string,
      'x-hub-signature-256': sign(body as string),
    });

    expect(response.status).toBe(200);
    expect(started).toEqual([]);
  });

  it('survives a sender that hangs up in the middle of the body', async () => {
    const url = await start();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);

    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"act');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await fetch(`${url}/health`);
    process.off('unhandledRejection', onRejection);

    expect(rejections).toEqual([]);
    expect(health.status).toBe(200);
    expect(started).toEqual([]);
  });

  it('refuses a replayed delivery id with 409 and starts nothing for it', async () => {
    const url = await start();
    const body = labeled(60);
    const headers = {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(body),
      'x-github-delivery': 'delivery-60',
    };

    const first = await post(url, body, headers);
    release();
    const replay = await post(url, body, headers);

    expect([first.status, replay.status]).toEqual([202, 409]);
    expect(await replay.text()).toBe('Delivery delivery-60 was already handled');
    expect(started.map((intent) => intent.ticketId)).toEqual(['60']);
  });

  it('refuses a signed delivery without X-GitHub-Delivery with 400', async () => {
    const url = await start();
    const body = labeled(61);

    const response = await post(url, body, {
      'x-github-event': 'issues',
      'x-hub-signature-256': sign(body),
      'x-github-delivery': '',
    });

    expect(response.status).toBe(400);
    expect(started).toEqual([]);
  });

  it.each([
    ['declared in Content-Length', true],
    ['sent chunked', false],
  ])(
    'cuts off an oversized body %s: 413 and the connection closes before the body is sent',
    async (_case, declare) => {
      const url = await start();
      const total = MAX_BODY_BYTES * 8;

      const result = await sendUntilClosed(new URL(url), '/webhook', total, declare);

      expect(result.status).toBe(413);
      expect(result.sentBytes).toBeLessThan(total);
      expect(started).toEqual([]);
    },
  );

  it('answers the health check and 404 elsewhere', async () => {
    const url = await start();

    const health = await fetch(`${url}/health`);
    const other = await fetch(`${url}/nope`);

    expect([health.status, await health.text()]).toEqual([200, 'ok']);
    expect(other.status).toBe(404);
  });
});
