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
