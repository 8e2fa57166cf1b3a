import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { relayResponse } from './http-relay.js';

/**
 * The relay of one controlled upstream stream to a real HTTP client that hangs up after the first
 * chunk; resolves with every chunk `tap` saw.
 */
async function relayToAClientThatHangsUp(drainAfterClose: boolean): Promise<string> {
  let push: (text: string) => void = () => undefined;
  let finish: () => void = () => undefined;
  const upstream = new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
        finish = () => controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
  const seen: string[] = [];
  let relayed: Promise<void> = Promise.resolve();
  let closed: Promise<void> = Promise.resolve();
  const server = createServer((_request, response: ServerResponse) => {
    closed = new Promise((resolve) => response.once('close', () => resolve()));
    relayed = relayResponse(
      upstream,
      response,
      (chunk) => seen.push(new TextDecoder().decode(chunk)),
      drainAfterClose,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    push('data: first\n\n');
    await new Promise<void>((resolve, reject) => {
      const sent = httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
        response.once('data', () => {
          sent.destroy();
          resolve();
        });
      });
      sent.on('error', () => undefined);
      sent.on('close', () => resolve());
      sent.once('error', reject);
      sent.end();
    });
    await closed;
    try {
      push('data: {"usage":{"output_tokens":4000}}\n\n');
      finish();
    } catch {
      // The relay cancelled the upstream stream: nothing more can be read from it.
    }
    await relayed.catch(() => undefined);
    return seen.join('');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('broker/http-relay', () => {
  it('keeps reading an LLM stream after the agent hung up, so its final usage is still seen', async () => {
    expect(await relayToAClientThatHangsUp(true)).toContain('"output_tokens":4000');
  });

  it('stops reading other streams when the client hangs up', async () => {
    expect(await relayToAClientThatHangsUp(false)).not.toContain('output_tokens');
  });
});
