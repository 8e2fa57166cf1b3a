// Signed Slack Events API requests, as Slack sends them, through the dispatcher's real
// signature check.
import { randomBytes } from 'node:crypto';
import { signSlackRequest } from '../../packages/testkit/dist/index.js';
import { SIGNING_SECRET } from './dispatcher-process.mjs';

let sequence = 0;

/** A person's message in `channel`, as an `event_callback`; resolves to the HTTP status. */
export async function postMessageEvent(dispatcherUrl, channel, text) {
  sequence += 1;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
  const body = JSON.stringify({
    token: 'x',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'message', channel, user: 'UBENCH', text, ts, channel_type: 'channel' },
  });
  const signed = signSlackRequest(SIGNING_SECRET, body);
  const response = await fetch(`${dispatcherUrl}/slack/events`, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  await response.text();
  return response.status;
}
