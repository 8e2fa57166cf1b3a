import { ContractError } from './contract-error.js';

/**
 * The one rule for Redis addresses, used by the agent (`--redis-url`) and the dispatcher
 * (`REDIS_URL`): `host[:port]` (the form the agent's arguments use, e.g. `redis:6379`) becomes `redis://host[:port]`;
 * `redis://` and `rediss://` URLs stay as they are; anything else is refused with a message that
 * never shows a password.
 */
export function toRedisUrl(address: string): string {
  const trimmed = address.trim();
  if (/^rediss?:\/\/\S+$/.test(trimmed)) return trimmed;
  if (/^[\w.-]+(:\d+)?$/.test(trimmed)) return `redis://${trimmed}`;
  throw new ContractError(
    'usage_invalid_input',
    `Redis address "${redactRedisAddress(trimmed)}" is neither host:port nor redis://[user:password@]host:port[/db] (rediss:// for TLS)`,
  );
}

/** The address with whatever precedes an `@` (user and password) replaced by `***`. */
export function redactRedisAddress(address: string): string {
  return address.replace(/^([a-z]+:\/\/)?[^@/]*@/, (_match, scheme: string | undefined) => {
    return `${scheme ?? ''}***@`;
  });
}
