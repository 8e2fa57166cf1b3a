import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ExternalServiceError } from '../errors/app-error.js';
import { HttpClient } from './http-client.js';

type Reply = { status: number; body: string; headers?: Record<string, string> };
let server: Server | undefined;

async function serve(replies: Reply[]): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
    const reply = replies.shift() ?? { status: 500, body: 'no more replies' };
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(reply.body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, seen };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const Issue = z.object({ number: z.number(), title: z.string() });

describe('kit/http/http-client', () => {
  it('sends headers and query, and parses the response with the schema', async () => {
    const { url, seen } = await serve([
      { status: 200, body: JSON.stringify({ number: 58, title: 'Bug', extra: true }) },
    ]);
    const client = new HttpClient({
      service: 'github',
      baseUrl: url,
      headers: { authorization: 'Bearer t' },
    });

    const issue = await client.get('/issues/58', Issue, {
      query: { state: 'open', page: undefined },
    });

    expect(issue).toEqual({ number: 58, title: 'Bug' });
    expect(seen).toEqual(['GET /api/issues/58?state=open Bearer t']);
  });

  it('retries a 429 after the Retry-After the server asked for', async () => {
    const { url, seen } = await serve([
      { status: 429, body: '{}', headers: { 'retry-after': '0' } },
      { status: 200, body: JSON.stringify({ number: 1, title: 't' }) },
    ]);
    const client = new HttpClient({ service: 'github', baseUrl: url });

    await expect(client.get('issues/1', Issue)).resolves.toEqual({ number: 1, title: 't' });
    expect(seen).toHaveLength(2);
  });

  it('does not retry a 404 and reports status and service', async () => {
    const { url, seen } = await serve([{ status: 404, body: '{"message":"Not Found"}' }]);
    const client = new HttpClient({
      service: 'github',
      baseUrl: url,
      retry: { initialDelayMs: 1 },
    });

    const error = await client.get('issues/9', Issue).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({
      code: 'external_http_error',
      status: 404,
      retryable: false,
      service: 'github',
    });
    expect(seen).toHaveLength(1);
  });

  it('rejects a response that does not match the schema, naming the field', async () => {
    const { url } = await serve([{ status: 200, body: JSON.stringify({ number: 'one' }) }]);
    const client = new HttpClient({ service: 'github', baseUrl: url });

    await expect(client.get('issues/1', Issue)).rejects.toThrow(/unexpected response.*number/);
  });

  it('turns a refused connection into a retryable unreachable error', async () => {
    const client = new HttpClient({
      service: 'jira',
      baseUrl: 'http://127.0.0.1:9/',
      retry: { maxRetries: 0 },
    });

    await expect(client.get('x', Issue)).rejects.toMatchObject({
      code: 'external_unreachable',
      retryable: true,
    });
  });

  it.each(['POST', 'PATCH'])(
    'sends a %s that creates something once, even after a 503',
    async (method) => {
      const { url, seen } = await serve([
        { status: 503, body: '{}' },
        { status: 201, body: JSON.stringify({ number: 2, title: 't' }) },
      ]);
      const client = new HttpClient({
        service: 'github',
        baseUrl: url,
        retry: { initialDelayMs: 1 },
      });

      const attempt = client.request(method, 'issues', Issue, { title: 't' });

      await expect(attempt).rejects.toMatchObject({ code: 'external_http_error', status: 503 });
      expect(seen).toHaveLength(1);
    },
  );

  it('retries a POST marked idempotent, and a PUT, after a 503', async () => {
    const { url, seen } = await serve([
      { status: 503, body: '{}' },
      { status: 200, body: JSON.stringify({ number: 3, title: 't' }) },
      { status: 502, body: '{}' },
      { status: 200, body: JSON.stringify({ number: 4, title: 't' }) },
    ]);
    const client = new HttpClient({
      service: 'github',
      baseUrl: url,
      retry: { initialDelayMs: 1 },
    });

    await expect(client.post('search', {}, Issue, { idempotent: true })).resolves.toMatchObject({
      number: 3,
    });
    await expect(client.request('PUT', 'labels', Issue, {})).resolves.toMatchObject({ number: 4 });
    expect(seen.map((line) => line.split(' ')[0])).toEqual(['POST', 'POST', 'PUT', 'PUT']);
  });

  it('does not retry a POST whose connection was refused', async () => {
    let calls = 0;
    const client = new HttpClient({
      service: 'github',
      baseUrl: 'http://127.0.0.1:9/',
      retry: { initialDelayMs: 1 },
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });

    await expect(client.post('issues', {}, Issue)).rejects.toMatchObject({
      code: 'external_unreachable',
    });
    expect(calls).toBe(1);
  });

  it('lets a programming error surface at once instead of retrying it as an outage', async () => {
    let calls = 0;
    const client = new HttpClient({
      service: 'github',
      baseUrl: 'http://127.0.0.1:9/',
      retry: { initialDelayMs: 1 },
      fetch: () => {
        calls += 1;
        return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')"));
      },
    });

    const error = await client.get('issues/1', Issue).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ExternalServiceError);
    expect(calls).toBe(1);
  });

  it('retries a GET that timed out, as unreachable', async () => {
    server = createServer((request, response) => {
      if (request.url?.endsWith('slow')) return; // never answers
      response.end(JSON.stringify({ number: 5, title: 't' }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const client = new HttpClient({
      service: 'github',
      baseUrl: base,
      timeoutMs: 50,
      retry: { maxRetries: 1, initialDelayMs: 1 },
    });

    await expect(client.get('slow', Issue)).rejects.toMatchObject({
      code: 'external_unreachable',
      retryable: true,
    });
    server.closeAllConnections();
  });
});
