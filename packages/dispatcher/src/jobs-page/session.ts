import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** How long a person has to come back from Slack's consent screen. */
export const SIGN_IN_TTL_MS = 10 * 60 * 1000;

/** Who is looking at the page, as the session cookie carries it. */
export const Session = z.object({
  purpose: z.literal('session'),
  /** `token`: came with `JOBS_PAGE_TOKEN` (read-only); `slack`: signed in with Slack. */
  via: z.enum(['token', 'slack']),
  userId: z.string().optional(),
  teamId: z.string().optional(),
  name: z.string().optional(),
  /** Sent back with every form; a form posted from another site does not have it. */
  csrf: z.string(),
  expiresAt: z.number(),
});
export type Session = z.infer<typeof Session>;

/** The state of a sign-in in flight (between `/jobs/auth/login` and the callback). */
export const SignInState = z.object({
  purpose: z.literal('sign-in'),
  state: z.string(),
  nonce: z.string(),
  expiresAt: z.number(),
});
export type SignInState = z.infer<typeof SignInState>;

/** Equal strings, compared in constant time (both are hashed first, so lengths do not leak). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A fresh random value for a state, a nonce or a CSRF token. */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Seals and opens the page's cookies with an HMAC key derived from the configured secrets, so
 * every replica accepts the same cookie and rotating a secret signs everyone out.
 */
export class CookieSealer {
  readonly #key: Buffer;

  constructor(secrets: ReadonlyArray<string | undefined>) {
    const material = secrets.filter((secret) => secret !== undefined).join('\0');
    this.#key = Buffer.from(hkdfSync('sha256', material, 'agentsmith', 'jobs page cookies', 32));
  }

  seal(value: Session | SignInState): string {
    const body = Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${body}.${this.#sign(body)}`;
  }

  open<T extends z.ZodType<{ expiresAt: number }>>(
    schema: T,
    sealed: string | undefined,
    now: number,
  ): z.output<T> | undefined {
    if (!sealed) return undefined;
    const [body, signature, extra] = sealed.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed;
    try {
      parsed = schema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      return undefined;
    }
    return parsed.success && parsed.data.expiresAt > now ? parsed.data : undefined;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url');
  }
}

/** The cookies of a request, by name (the first of each). */
export function cookiesOf(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(index + 1).trim());
  }
  return cookies;
}

/** A `Set-Cookie` value scoped to `/jobs`, HttpOnly and SameSite=Lax. */
export function cookieHeader(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean },
): string {
  return [
    `${name}=${value}`,
    'Path=/jobs',
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
