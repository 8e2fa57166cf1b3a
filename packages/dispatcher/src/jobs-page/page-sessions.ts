import type { IncomingMessage } from 'node:http';
import {
  cookieHeader,
  CookieSealer,
  cookiesOf,
  randomToken,
  sameSecret,
  Session,
  SESSION_TTL_MS,
  SIGN_IN_TTL_MS,
  SignInState,
} from './session.js';

const SESSION_COOKIE = 'agentsmith_jobs';
const SIGN_IN_COOKIE = 'agentsmith_jobs_signin';

/** The secrets sessions derive from: the configured ways in. */
export interface SessionSecrets {
  token?: string | undefined;
  slackSignIn?: { clientId: string; clientSecret: string } | undefined;
  publicUrl?: string | undefined;
}

/**
 * The page's two cookies: the session (who, until when, its CSRF token) and the sign-in in flight
 * (state and nonce). Both are sealed with a key derived from the configured secrets.
 */
export class PageSessions {
  readonly #sealer: CookieSealer;

  constructor(
    private readonly secrets: SessionSecrets,
    private readonly now: () => number,
  ) {
    this.#sealer = new CookieSealer([
      secrets.token,
      secrets.slackSignIn?.clientSecret,
      secrets.slackSignIn?.clientId,
    ]);
  }

  /** Whether `token` is `JOBS_PAGE_TOKEN` (constant time). */
  isToken(token: string): boolean {
    return this.secrets.token !== undefined && sameSecret(token, this.secrets.token);
  }

  /** The session cookie's session, or undefined. */
  fromCookie(request: IncomingMessage): Session | undefined {
    const sealed = cookiesOf(request.headers.cookie).get(SESSION_COOKIE);
    return this.#sealer.open(Session, sealed, this.now());
  }

  /** The viewer's session: the cookie, else a valid `Authorization: Bearer` (no forms then). */
  fromRequest(request: IncomingMessage): Session | undefined {
    const cookie = this.fromCookie(request);
    if (cookie) return cookie;
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer && this.isToken(bearer))
      return { purpose: 'session', via: 'token', csrf: '', expiresAt: this.now() + SESSION_TTL_MS };
    return undefined;
  }

  /** A new session's `Set-Cookie`. */
  start(
    request: IncomingMessage,
    fields: Pick<Session, 'via' | 'userId' | 'teamId' | 'name'>,
  ): string {
    const session: Session = {
      purpose: 'session',
      ...fields,
      csrf: randomToken(),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    return this.#cookie(request, SESSION_COOKIE, this.#sealer.seal(session), SESSION_TTL_MS);
  }

  /** The `Set-Cookie` that ends the session. */
  end(request: IncomingMessage): string {
    return this.#cookie(request, SESSION_COOKIE, '', 0);
  }

  /** A sign-in in flight: its state and nonce, and the `Set-Cookie` that remembers them. */
  beginSignIn(request: IncomingMessage): { state: SignInState; cookie: string } {
    const state: SignInState = {
      purpose: 'sign-in',
      state: randomToken(),
      nonce: randomToken(),
      expiresAt: this.now() + SIGN_IN_TTL_MS,
    };
    const sealed = this.#sealer.seal(state);
    return { state, cookie: this.#cookie(request, SIGN_IN_COOKIE, sealed, SIGN_IN_TTL_MS) };
  }

  /** The sign-in in flight, when the callback's `state` is its own. */
  signInOf(request: IncomingMessage, state: string): SignInState | undefined {
    const sealed = cookiesOf(request.headers.cookie).get(SIGN_IN_COOKIE);
    const pending = this.#sealer.open(SignInState, sealed, this.now());
    return pending && sameSecret(state, pending.state) ? pending : undefined;
  }

  /** The `Set-Cookie` that forgets the sign-in in flight. */
  endSignIn(request: IncomingMessage): string {
    return this.#cookie(request, SIGN_IN_COOKIE, '', 0);
  }

  #cookie(request: IncomingMessage, name: string, value: string, ttlMs: number): string {
    const secure =
      this.secrets.publicUrl?.startsWith('https:') === true ||
      request.headers['x-forwarded-proto'] === 'https';
    return cookieHeader(name, value, { maxAgeSeconds: Math.floor(ttlMs / 1000), secure });
  }
}
