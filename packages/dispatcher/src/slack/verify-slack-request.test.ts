import { signSlackRequest } from '@agentsmith/testkit';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { verifySlackRequest } from './verify-slack-request.js';

const secret = 'shh';
const now = 1_700_000_000;

function check(
  body: string,
  options: { timestamp?: number; secret?: string; contentType?: string; drop?: string } = {},
) {
  const signed = signSlackRequest(options.secret ?? secret, body, {
    timestamp: options.timestamp ?? now,
    ...(options.contentType ? { contentType: options.contentType } : {}),
  });
  const headers: Record<string, string> = { ...signed.headers };
  if (options.drop) delete headers[options.drop];
  return verifySlackRequest(
    secret,
    { headers } as unknown as IncomingMessage,
    Buffer.from(body),
    now,
  );
}

describe('slack/verify-slack-request', () => {
  it('accepts a correctly signed JSON object and a form whose payload is one', () => {
    expect(check('{"type":"event_callback"}')).toEqual({ ok: true });
    expect(
      check('payload=%7B%22type%22%3A%22block_actions%22%7D', {
        contentType: 'application/x-www-form-urlencoded',
      }),
    ).toEqual({ ok: true });
  });

  it.each([
    ['no signature', { drop: 'x-slack-signature' }, 401],
    ['no timestamp', { drop: 'x-slack-request-timestamp' }, 401],
    ['another secret', { secret: 'other' }, 401],
    ['a timestamp 301 s old', { timestamp: now - 301 }, 401],
    ['a timestamp 301 s ahead', { timestamp: now + 301 }, 401],
  ])('refuses %s', (_case, options, status) => {
    expect(check('{}', options)).toMatchObject({ ok: false, status });
  });

  it('accepts the edges of the five-minute window', () => {
    expect([check('{}', { timestamp: now - 300 }), check('{}', { timestamp: now + 300 })]).toEqual([
      { ok: true },
      { ok: true },
    ]);
  });

  it.each([['{"a":'], ['null'], ['[1,2]'], ['"text"'], ['42']])(
    'answers 400 for the signed body %s',
    (body) => {
      expect(check(body)).toMatchObject({ ok: false, status: 400 });
    },
  );
});
