import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer } from './fake-server.js';

let server: FakeServer;
afterEach(async () => {
  await server.stop();
});

describe('testkit/fake-server', () => {
  it('answers from its route table with path parameters and records requests', async () => {
    server = await new FakeServer('github')
      .on('GET', '/repos/:owner/:repo/issues/:number', (request) => ({
        body: { number: Number(request.params['number']), repo: request.params['repo'] },
      }))
      .start();

    const response = await fetch(`${server.url}/repos/o/r/issues/58?x=1`);

    expect(await response.json()).toEqual({ number: 58, repo: 'r' });
    expect(server.requestsTo('GET', /issues/)).toHaveLength(1);
    expect(server.requests[0]?.query.get('x')).toBe('1');
    expect(() => server.assertDone()).not.toThrow();
  });

  it('fails the test on a request no route expects', async () => {
    server = await new FakeServer('slack').start();

    const response = await fetch(`${server.url}/api/chat.postMessage`, {
      method: 'POST',
      body: '{}',
    });

    expect(response.status).toBe(501);
    expect(() => server.assertDone()).toThrow(/unexpected request: POST \/api\/chat.postMessage/);
    await expect(server.stop()).rejects.toThrow(
      /slack fake server:\n {2}unexpected request: POST \/api\/chat.postMessage/,
    );
  });

  it('is strict by default: stopping fails when a request matched no route, even unasked', async () => {
    server = await new FakeServer('github').on('GET', '/known', { body: {} }).start();
    await fetch(`${server.url}/known`);
    await fetch(`${server.url}/unknown`);

    await expect(server.stop()).rejects.toThrow(/unexpected request: GET \/unknown/);
  });

  it('lets a test take the unexpected requests it caused on purpose', async () => {
    server = await new FakeServer('github').start();
    await fetch(`${server.url}/probe`);

    expect(server.takeUnexpected()).toEqual(['GET /probe']);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('fails the test when an expected request never arrives, and answers expectations only as often as told', async () => {
    server = await new FakeServer('llm')
      .expect('POST', '/v1/messages', { status: 429, headers: { 'retry-after': '1' } })
      .start();

    expect(() => server.assertDone()).toThrow(
      /expected request never arrived: POST \/v1\/messages/,
    );
    const first = await fetch(`${server.url}/v1/messages`, { method: 'POST' });
    const second = await fetch(`${server.url}/v1/messages`, { method: 'POST' });

    expect([first.status, first.headers.get('retry-after'), second.status]).toEqual([
      429,
      '1',
      501,
    ]);
    expect(server.takeUnexpected()).toEqual(['POST /v1/messages']);
  });

  it('parses form-encoded bodies (Slack interactivity)', async () => {
    server = await new FakeServer('slack')
      .on('POST', '/interact', (request) => ({ body: request.json }))
      .start();

    const response = await fetch(`${server.url}/interact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%22a%22%3A1%7D',
    });

    expect(await response.json()).toEqual({ payload: '{"a":1}' });
  });

  it('streams raw chunks (server-sent events)', async () => {
    server = await new FakeServer('openai')
      .on('POST', '/v1/chat/completions', {
        headers: { 'content-type': 'text/event-stream' },
        raw: ['data: {"a":1}\n\n', 'data: [DONE]\n\n'],
      })
      .start();

    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST' });

    expect(await response.text()).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
  });
});
