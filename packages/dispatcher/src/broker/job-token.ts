import { createHash, randomBytes } from 'node:crypto';

/** Prefix that makes a leaked job token recognisable (secret scanners, logs). */
const TOKEN_PREFIX = 'asjob_';

/** A fresh job token: 256 random bits. Only its hash is ever stored. */
export function mintJobToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A fresh random password (Redis ACL users): 256 bits, hex. */
export function mintPassword(): string {
  return randomBytes(32).toString('hex');
}

/** The SHA-256 of a token, hex: the Redis key of its scope. */
export function hashJobToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Cheap shape check, so garbage never costs a Redis round trip. */
export function looksLikeJobToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX) && value.length === TOKEN_PREFIX.length + 43;
}

/** Prefix of a job's egress token (the password of its proxy URL). */
const EGRESS_TOKEN_PREFIX = 'asegress_';

/**
 * A fresh egress token: 256 random bits, hashed like a job token. It only opens the forward proxy
 * to the project's `egress.allow` hosts, so it may sit in the environment of the model's commands
 * (`HTTPS_PROXY`), where the job token never goes.
 */
export function mintEgressToken(): string {
  return `${EGRESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Cheap shape check of an egress token. */
export function looksLikeEgressToken(value: string): boolean {
  return value.startsWith(EGRESS_TOKEN_PREFIX) && value.length === EGRESS_TOKEN_PREFIX.length + 43;
}
