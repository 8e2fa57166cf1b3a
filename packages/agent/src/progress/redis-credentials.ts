import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';

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
