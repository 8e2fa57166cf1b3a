import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';

/**
 * Normalises a Redis address to a URL ioredis understands: `host:port` (the seed's form, e.g.
 * `redis:6379`) becomes `redis://host:port`; `redis://` and `rediss://` URLs stay as they are.
 */
export function toRedisUrl(address: string): string {
  const trimmed = address.trim();
  if (/^rediss?:\/\//.test(trimmed)) return trimmed;
  if (trimmed.includes('://')) {
    throw new Error(
      `Unsupported Redis URL scheme in "${trimmed}"; use host:port or redis://host:port`,
    );
  }
  return `redis://${trimmed}`;
}

/**
 * The job's Redis user and password, from the environment the dispatcher gave the agent (never
 * argv: `--redis-url redis:6379` stays as it is). Undefined for a Redis without authentication.
 */
export function redisCredentialsFromEnv(
  env: NodeJS.ProcessEnv,
): { username: string; password: string } | undefined {
  const username = env[BROKER_ENVIRONMENT.redisUsername]?.trim();
  const password = env[BROKER_ENVIRONMENT.redisPassword];
  return username && password ? { username, password } : undefined;
}
