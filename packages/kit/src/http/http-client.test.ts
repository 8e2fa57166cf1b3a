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
      code: 'github_http_404',
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
      code: 'jira_unreachable',
      retryable: true,
    });
  });
});
