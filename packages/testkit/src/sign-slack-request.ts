import { createHmac } from 'node:crypto';

export interface SignedSlackRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * Signs a body the way Slack does (`v0:<timestamp>:<body>`, HMAC-SHA256 with the signing secret),
 * so tests drive the dispatcher through its real signature check.
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  options: { timestamp?: number; contentType?: string } = {},
): SignedSlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    body,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': `v0=${signature}`,
    },
  };
}

/** An interactivity payload as Slack posts it: form-encoded `payload=<json>`. */
export function slackInteractionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
