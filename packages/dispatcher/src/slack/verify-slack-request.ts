import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { answerUnreadRequest } from '@agentsmith/kit';

/** Slack's replay window: a request older (or newer) than this is refused. */
export const SLACK_REPLAY_WINDOW_SECONDS = 300;
/** Slack's payloads are a few kilobytes; anything near this is not Slack. */
export const BODY_LIMIT_BYTES = 1_048_576;

export type VerifyResult = { ok: true } | { ok: false; status: 400 | 401 | 413; reason: string };

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * Checks a Slack request the way Slack documents it: `v0=` HMAC-SHA256 of `v0:<ts>:<body>` with
 * the signing secret, compared in constant time, and a timestamp within five minutes either way.
 * Then checks the body is a JSON object (or a form whose `payload` is one).
 */
export function verifySlackRequest(
  signingSecret: string,
  request: IncomingMessage,
  rawBody: Buffer,
  nowSeconds: number,
): VerifyResult {
  const signature = header(request, 'x-slack-signature');
  const timestamp = header(request, 'x-slack-request-timestamp');
  if (!signature || !timestamp)
    return { ok: false, status: 401, reason: 'missing Slack signature headers' };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(nowSeconds - seconds) > SLACK_REPLAY_WINDOW_SECONDS) {
    return {
      ok: false,
      status: 401,
      reason: 'Slack request timestamp outside the five-minute window',
    };
  }
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      ok: false,
      status: 401,
      reason: 'Slack signature does not match (check SLACK_SIGNING_SECRET)',
    };
  }
  let body: unknown;
  try {
    const text = rawBody.toString('utf8');
    if (request.headers['content-type'] === 'application/x-www-form-urlencoded') {
      const form = parseQuery(text);
      body = typeof form['payload'] === 'string' ? JSON.parse(form['payload']) : form;
    } else {
      body = JSON.parse(text);
    }
  } catch {
    return { ok: false, status: 400, reason: 'request body is not valid JSON' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, status: 400, reason: 'request body is not a JSON object' };
  }
  return { ok: true };
}

/**
 * Buffers the body, verifies it and only then hands the request to bolt (which accepts a request
 * whose `rawBody` is already read). Refusals never reach bolt, so no payload can make it throw.
 */
export function verifiedSlackListener(
  signingSecret: string,
  next: RequestListener,
  onRefused: (reason: string) => void,
  now: () => number = Date.now,
): RequestListener {
  return (request, response) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > BODY_LIMIT_BYTES) {
      refuseOversized(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.off('end', onEnd);
      refuseOversized(request, response);
    };
    const onEnd = () => {
      const rawBody = Buffer.concat(chunks);
      const result = verifySlackRequest(signingSecret, request, rawBody, Math.floor(now() / 1000));
      if (!result.ok) {
        onRefused(result.reason);
        response.writeHead(result.status).end();
        return;
      }
      (request as IncomingMessage & { rawBody: Buffer }).rawBody = rawBody;
      next(request, response);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', () => {
      if (!response.headersSent) response.writeHead(400).end();
    });
  };
}

/** 413, and the rest of the body is never read: a client cannot keep the dispatcher busy by sending more. */
function refuseOversized(request: IncomingMessage, response: ServerResponse): void {
  answerUnreadRequest(
    request,
    response,
    413,
    { 'content-type': 'text/plain' },
    `Request body over ${BODY_LIMIT_BYTES} bytes`,
  );
}
