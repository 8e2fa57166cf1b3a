import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** Headers that never cross the broker: hop-by-hop, and every way a credential can travel. */
const DROPPED_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'private-token',
  'job-token',
  'cookie',
  'accept-encoding',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  // Account and feature switches the job must not pick: beta server tools, another organization
  // or project of the key, and a method other than the one the broker checked.
  'anthropic-beta',
  'openai-organization',
  'openai-project',
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'set-cookie',
  'www-authenticate',
]);

/** A request body larger than this is refused (LLM prompts and git pushes of one fix stay far below). */
export const MAX_REQUEST_BYTES = 256 * 1024 * 1024;

/** An answer the broker gives itself (refusals): status, content type, body. */
export class BrokerRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly body?: string | Buffer,
  ) {
    super(message);
  }
}

/** The request body, whole (refused beyond {@link MAX_REQUEST_BYTES}). */
export async function readBody(
  request: IncomingMessage,
  limit = MAX_REQUEST_BYTES,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BrokerRefusal(413, `request body larger than ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The agent's headers minus credentials and hop-by-hop ones, plus the real credential. */
export function upstreamHeaders(
  incoming: IncomingHttpHeaders,
  credential: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || DROPPED_REQUEST_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  // The broker reads usage from the bytes it relays; compressed bodies would hide it.
  headers['accept-encoding'] = 'identity';
  return { ...headers, ...credential };
}

/**
 * Sends the upstream's answer to the agent as it arrives (no buffering: a streamed token leaves
 * as soon as it came), showing every chunk to `tap` on the way. With `drainAfterClose`, an agent
 * that hangs up does not stop the reading: the rest still reaches `tap` (the LLM ledger must see
 * the usage at the end of a stream, or hanging up early would make calls free).
 */
export async function relayResponse(
  upstream: Response,
  response: ServerResponse,
  tap?: (chunk: Uint8Array) => void,
  drainAfterClose = false,
): Promise<void> {
  const headers: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = value;
  });
  response.writeHead(upstream.status, headers);
  response.flushHeaders();
  if (upstream.body) {
    const reader: ReadableStreamDefaultReader<Uint8Array> = upstream.body.getReader();
    let gone = false;
    const stop = () => {
      if (response.writableFinished) return;
      gone = true;
      if (!drainAfterClose) void reader.cancel().catch(() => undefined);
    };
    response.once('close', stop);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        tap?.(value);
        if (gone) continue;
        if (!response.write(value)) {
          await new Promise<void>((resolve) => {
            response.once('drain', resolve);
            response.once('close', resolve);
          });
        }
      }
    } finally {
      response.off('close', stop);
    }
  }
  response.end();
}

/** Sends a refusal as plain text (or the refusal's own body). */
export function sendRefusal(response: ServerResponse, refusal: BrokerRefusal): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(refusal.status, {
    'content-type': 'text/plain; charset=utf-8',
    ...refusal.headers,
  });
  response.end(refusal.body ?? `${refusal.message}\n`);
}
