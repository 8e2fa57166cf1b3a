import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { FakeServer, RecordedRequest } from './fake-server.js';

/** The person who "approves" at the fake's authorize page. */
export interface FakeSlackSignInUser {
  userId: string;
  teamId: string;
  name?: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  user: FakeSlackSignInUser;
}

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString(
    'base64url',
  );
}

/**
 * Sign in with Slack (OpenID Connect) as Slack speaks it: `GET /openid/connect/authorize` (the
 * consent screen, which here approves at once as {@link signInAs} and redirects back with a code
 * and the state), `POST /api/openid.connect.token` (client id and secret, single-use code, the
 * same redirect URI; an RS256 ID token with Slack's issuer and claims) and
 * `GET /openid/connect/keys` (the JSON Web Key Set).
 */
export class FakeSlackOpenId {
  /** The app registered for Sign in with Slack. */
  client = { clientId: 'fake-client-id', clientSecret: 'fake-client-secret' };
  /** Who approves at the authorize endpoint; undefined answers `access_denied`. */
  signInAs: FakeSlackSignInUser | undefined;
  /** Sign the next ID tokens with a key the key set does not list (a forged token). */
  forgeNextToken = false;
  /** Every authorize request's query, in order. */
  readonly authorizeRequests: URLSearchParams[] = [];
  readonly #codes = new Map<string, PendingCode>();
  readonly #key: { privateKey: KeyObject; publicKey: KeyObject; kid: string };
  readonly #forger = generateKeyPairSync('rsa', { modulusLength: 2048 });

  constructor(server: FakeServer) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#key = { ...pair, kid: `fake-${randomBytes(4).toString('hex')}` };
    server.on('GET', '/openid/connect/authorize', (request) => this.#authorize(request));
    server.on('POST', '/api/openid.connect.token', (request) => this.#token(request));
    server.on('GET', '/openid/connect/keys', () => ({
      body: {
        keys: [
          {
            ...this.#key.publicKey.export({ format: 'jwk' }),
            kid: this.#key.kid,
            alg: 'RS256',
            use: 'sig',
          },
        ],
      },
    }));
  }

  #authorize(request: RecordedRequest) {
    const query = request.query;
    this.authorizeRequests.push(new URLSearchParams(query));
    const redirectUri = query.get('redirect_uri') ?? '';
    const state = query.get('state') ?? '';
    if (
      query.get('response_type') !== 'code' ||
      query.get('client_id') !== this.client.clientId ||
      !(query.get('scope') ?? '').split(' ').includes('openid') ||
      !URL.canParse(redirectUri)
    )
      return { status: 400, raw: 'invalid authorize request' };
    const target = new URL(redirectUri);
    if (!this.signInAs) {
      target.search = new URLSearchParams({ error: 'access_denied', state }).toString();
      return { status: 302, headers: { location: target.href } };
    }
    const code = randomBytes(12).toString('hex');
    this.#codes.set(code, {
      clientId: this.client.clientId,
      redirectUri,
      nonce: query.get('nonce') ?? undefined,
      user: this.signInAs,
    });
    target.search = new URLSearchParams({ code, state }).toString();
    return { status: 302, headers: { location: target.href } };
  }

  #token(request: RecordedRequest) {
    const form = (request.json ?? {}) as Record<string, string | undefined>;
    if (
      form['client_id'] !== this.client.clientId ||
      form['client_secret'] !== this.client.clientSecret
    )
      return { body: { ok: false, error: 'invalid_client' } };
    const code = form['code'] ?? '';
    const pending = this.#codes.get(code);
    this.#codes.delete(code);
    if (!pending) return { body: { ok: false, error: 'invalid_code' } };
    if (form['redirect_uri'] !== pending.redirectUri)
      return { body: { ok: false, error: 'bad_redirect_uri' } };
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'https://slack.com',
      sub: pending.user.userId,
      aud: pending.clientId,
      exp: now + 3600,
      iat: now,
      auth_time: now,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
      'https://slack.com/user_id': pending.user.userId,
      'https://slack.com/team_id': pending.user.teamId,
      ...(pending.user.name ? { name: pending.user.name } : {}),
    };
    const header = { alg: 'RS256', typ: 'JWT', kid: this.#key.kid };
    const signed = `${base64url(header)}.${base64url(claims)}`;
    const key = this.forgeNextToken ? this.#forger.privateKey : this.#key.privateKey;
    this.forgeNextToken = false;
    const signature = createSign('RSA-SHA256').update(signed).sign(key).toString('base64url');
    return {
      body: {
        ok: true,
        access_token: `xoxp-${randomBytes(8).toString('hex')}`,
        token_type: 'Bearer',
        id_token: `${signed}.${signature}`,
      },
    };
  }
}
