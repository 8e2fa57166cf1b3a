import { z } from 'zod';
import { verifyIdToken, type SigningKey } from './id-token.js';

const DEFAULT_API_URL = 'https://slack.com/api/';
const REQUEST_TIMEOUT_MS = 10_000;

export interface SlackSignInSettings {
  clientId: string;
  clientSecret: string;
  /** `JOBS_PAGE_URL/jobs/auth/callback`, exactly as registered in the Slack app. */
  redirectUri: string;
  /** `SLACK_API_URL` (tests point it at the fake); Slack's when undefined. */
  slackApiUrl: string | undefined;
}

/** A person Slack vouched for. */
export interface SlackIdentity {
  userId: string;
  teamId: string;
  name: string | undefined;
}

const TokenAnswer = z.union([
  z.object({ ok: z.literal(true), id_token: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
const KeySet = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

/** Slack's web origin (`https://slack.com/`) from the Web API URL (`https://slack.com/api/`). */
function slackOrigin(apiUrl: string): string {
  return new URL('../', apiUrl).href;
}

/**
 * Sign in with Slack (OpenID Connect, authorization code flow): where to send the person, and
 * how to turn the code Slack sends back into a verified identity.
 */
export class SlackSignIn {
  readonly #apiUrl: string;

  constructor(private readonly settings: SlackSignInSettings) {
    this.#apiUrl = settings.slackApiUrl ?? DEFAULT_API_URL;
  }

  /** Slack's authorize URL for this sign-in; `team` skips the workspace picker. */
  authorizeUrl(state: string, nonce: string, team: string | undefined): string {
    const url = new URL('openid/connect/authorize', slackOrigin(this.#apiUrl));
    url.search = new URLSearchParams({
      response_type: 'code',
      scope: 'openid profile',
      client_id: this.settings.clientId,
      redirect_uri: this.settings.redirectUri,
      state,
      nonce,
      ...(team ? { team } : {}),
    }).toString();
    return url.href;
  }

  /** Exchanges the code and checks the ID token (signature, issuer, audience, expiry, nonce). */
  async complete(code: string, nonce: string, now: number): Promise<SlackIdentity> {
    const response = await fetch(new URL('openid.connect.token', this.#apiUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.settings.clientId,
        client_secret: this.settings.clientSecret,
        code,
        redirect_uri: this.settings.redirectUri,
        grant_type: 'authorization_code',
      }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const answer = TokenAnswer.safeParse(await response.json().catch(() => undefined));
    if (!answer.success) throw new Error(`Slack's token endpoint answered HTTP ${response.status}`);
    if (!answer.data.ok) throw new Error(`Slack refused the sign-in code (${answer.data.error})`);
    const claims = verifyIdToken(answer.data.id_token, {
      keys: await this.#keys(),
      clientId: this.settings.clientId,
      nonce,
      now,
    });
    return {
      userId: claims['https://slack.com/user_id'],
      teamId: claims['https://slack.com/team_id'],
      name: claims.name,
    };
  }

  /** Slack's signing keys (fetched per sign-in: sign-ins are rare, keys rotate). */
  async #keys(): Promise<SigningKey[]> {
    const response = await fetch(new URL('openid/connect/keys', slackOrigin(this.#apiUrl)), {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const keys = KeySet.safeParse(await response.json().catch(() => undefined));
    if (!keys.success) throw new Error(`Slack's key set answered HTTP ${response.status}`);
    return keys.data.keys;
  }
}
