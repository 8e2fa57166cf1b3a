import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSlackRequest, slackInteractionBody } from './sign-slack-request.js';

describe('testkit/sign-slack-request', () => {
  it('signs v0:<timestamp>:<body> with HMAC-SHA256 as Slack documents', () => {
    const signed = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 'token=x', {
      timestamp: 1531420618,
      contentType: 'application/x-www-form-urlencoded',
    });

    const expected = createHmac('sha256', '8f742231b10e8888abcd99yyyzzz85a5')
      .update('v0:1531420618:token=x')
      .digest('hex');
    expect(signed.headers).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': `v0=${expected}`,
    });
  });

  it('encodes interaction payloads as Slack posts them', () => {
    expect(
      new URLSearchParams(slackInteractionBody({ type: 'block_actions' })).get('payload'),
    ).toBe('{"type":"block_actions"}');
  });
});
