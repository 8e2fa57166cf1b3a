import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  announcesBody,
  answerUnreadRequest,
  skippingRefusedConnections,
} from './answer-unread-request.js';

const DECLARED = 64 * 1024 * 1024;

async function refusingServer(lingerMs: number): Promise<Server> {
  const server = createServer((request, response) => {
    answerUnreadRequest(
      request,
      response,
      413,
      { 'content-type': 'text/plain' },
      'too large',
      lingerMs,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Opens a connection that announces a huge body and sends its first megabyte. */
async function sendingClient(server: Server): Promise<{ socket: Socket; answer: () => string }> {
  const socket = connect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    allowHalfOpen: true,
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${DECLARED}\r\n\r\n`);
  socket.write(Buffer.alloc(1024 * 1024, 'a'));
  return { socket, answer: () => received };
}

describe('http/answer-unread-request', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('lets a client still sending its body write on after the answer, then read it: no reset', async () => {
    server = await refusingServer(60_000);
    const { socket, answer } = await sendingClient(server);
    await new Promise<void>((resolve) => socket.once('end', resolve));

    const writeError = await new Promise<Error | null | undefined>((resolve) => {
      socket.once('error', resolve);
      socket.write(Buffer.alloc(64 * 1024, 'b'), resolve);
    });

    expect(writeError ?? null).toBeNull();
    expect(answer()).toMatch(
      /^HTTP\/1\.1 413 .*\r\n[\s\S]*connection: close\r\n[\s\S]*\r\n\r\ntoo large$/i,
    );
    socket.destroy();
  });

  it('closes the connection after the linger time although the client never stops sending', async () => {
    server = await refusingServer(200);
    const { socket, answer } = await sendingClient(server);
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const keepSending = setInterval(() => socket.write(Buffer.alloc(64 * 1024, 'c')), 10);

    await closed;
    clearInterval(keepSending);

    expect(answer()).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('does not run requests pipelined behind a refused one: their connection is closing', async () => {
    let others = 0;
    server = createServer(
      skippingRefusedConnections((request, response) => {
        if (request.url === '/refuse') {
          answerUnreadRequest(request, response, 404, {}, 'not found', 60_000);
          return;
        }
        others += 1;
        response.end('ran');
      }),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const socket = connect({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      allowHalfOpen: true,
    });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    const pipelined = 'GET /other HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(20);

    socket.write(`POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello${pipelined}`);
    await ended;
    socket.write(pipelined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();

    expect(others).toBe(0);
  });

  it('tells a request that announces a body from one that does not', () => {
    const request = (headers: Record<string, string>) =>
      ({ headers }) as unknown as Parameters<typeof announcesBody>[0];

    expect(announcesBody(request({}))).toBe(false);
    expect(announcesBody(request({ 'content-length': '0' }))).toBe(false);
    expect(announcesBody(request({ 'content-length': '5' }))).toBe(true);
    expect(announcesBody(request({ 'transfer-encoding': 'chunked' }))).toBe(true);
  });
});
