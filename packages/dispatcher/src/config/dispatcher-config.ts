import { resolveConfigPath, toRedisUrl } from '@agentsmith/contracts';
import { ConfigError, parseDuration } from '@agentsmith/kit';

/** The spawner implementations `SPAWNER_TYPE` may name. */
export const SPAWNER_TYPES = ['docker', 'kubernetes'] as const;
export type SpawnerType = (typeof SPAWNER_TYPES)[number];

/** How the dispatcher receives Slack traffic. */
export type SlackMode =
  | { kind: 'http'; botToken: string; signingSecret: string }
  | { kind: 'socket'; botToken: string; appToken: string; signingSecret?: string };

/** The dispatcher's settings, read once from the environment in `main.ts`. */
export interface DispatcherConfig {
  /** `redis://host:port[/db]` as ioredis takes it. */
  redisUrl: string;
  /** The address as given (e.g. `redis:6379` in Compose); the agent receives this one. */
  agentRedisUrl: string;
  spawnerType: SpawnerType;
  agentImage: string;
  configPath: string;
  port: number;
  slack: SlackMode;
  /** Web API base URL ending in `/`, e.g. `https://slack.com/api/`; undefined → Slack's. */
  slackApiUrl: string | undefined;
  jobMaxDurationMs: number;
  /** Name of this replica (relay ownership); stable across a restart of the same container. */
  instanceId: string;
  /** Seconds between `cancel` and the spawner's stop. */
  cancelGraceSeconds: number;
  logLevel: string;
  /** Prefix of the dispatcher's own Redis keys (the wire keys are fixed by the contract). */
  keyPrefix: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Reads and checks the dispatcher's environment. Reports every problem at once as a
 * {@link ConfigError} whose messages say what to set.
 */
export function loadDispatcherConfig(
  env: NodeJS.ProcessEnv,
  hostname = 'dispatcher',
): DispatcherConfig {
  const problems: string[] = [];
  const rawRedis = nonEmpty(env['REDIS_URL']) ?? 'localhost:6379';
  let redisUrl = 'redis://localhost:6379';
  try {
    redisUrl = toRedisUrl(rawRedis);
  } catch (error) {
    problems.push(`REDIS_URL: ${(error as Error).message}`);
  }

  const rawSpawner = (nonEmpty(env['SPAWNER_TYPE']) ?? 'kubernetes').toLowerCase();
  const spawnerType = SPAWNER_TYPES.find((type) => type === rawSpawner);
  if (!spawnerType) {
    problems.push(
      `SPAWNER_TYPE "${rawSpawner}" is not valid: use one of ${SPAWNER_TYPES.join(', ')}`,
    );
  }

  const rawPort = nonEmpty(env['PORT']) ?? '8080';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    problems.push(`PORT "${rawPort}" is not a port number (0-65535)`);
  }

  let jobMaxDurationMs = 60 * 60_000;
  try {
    jobMaxDurationMs = parseDuration(nonEmpty(env['JOB_MAX_DURATION']) ?? '60m');
    if (jobMaxDurationMs <= 0) throw new Error('JOB_MAX_DURATION must be positive');
  } catch (error) {
    problems.push(`JOB_MAX_DURATION: ${(error as Error).message}`);
  }

  const botToken = nonEmpty(env['SLACK_BOT_TOKEN']);
  const signingSecret = nonEmpty(env['SLACK_SIGNING_SECRET']);
  const appToken = nonEmpty(env['SLACK_APP_TOKEN']);
  if (!botToken)
    problems.push('SLACK_BOT_TOKEN is not set: set it to the bot token (xoxb-…) of the Slack app');
  if (!appToken && !signingSecret) {
    problems.push(
      'SLACK_SIGNING_SECRET is not set: HTTP mode refuses unsigned requests; set SLACK_SIGNING_SECRET (Basic Information → Signing Secret) or set SLACK_APP_TOKEN (xapp-…) for Socket Mode',
    );
  }

  let slackApiUrl = nonEmpty(env['SLACK_API_URL']);
  if (slackApiUrl) {
    if (!/^https?:\/\//.test(slackApiUrl))
      problems.push(`SLACK_API_URL "${slackApiUrl}" is not an http(s) URL`);
    if (!slackApiUrl.endsWith('/')) slackApiUrl = `${slackApiUrl}/`;
  }

  const rawGrace = nonEmpty(env['CANCEL_GRACE_SECONDS']) ?? '30';
  const cancelGraceSeconds = Number(rawGrace);
  if (!Number.isInteger(cancelGraceSeconds) || cancelGraceSeconds < 0) {
    problems.push(`CANCEL_GRACE_SECONDS "${rawGrace}" is not a whole number of seconds`);
  }

  if (problems.length > 0 || !spawnerType || !botToken) {
    throw new ConfigError(`The dispatcher cannot start:\n  ${problems.join('\n  ')}`, problems);
  }
  const slack: SlackMode = appToken
    ? { kind: 'socket', botToken, appToken, ...(signingSecret ? { signingSecret } : {}) }
    : { kind: 'http', botToken, signingSecret: signingSecret ?? '' };

  return {
    redisUrl,
    agentRedisUrl: rawRedis,
    spawnerType,
    agentImage: nonEmpty(env['AGENTSMITH_IMAGE']) ?? 'agentsmith:latest',
    configPath: resolveConfigPath(undefined, env),
    port,
    slack,
    slackApiUrl,
    jobMaxDurationMs,
    instanceId: nonEmpty(env['DISPATCHER_INSTANCE_ID']) ?? nonEmpty(env['HOSTNAME']) ?? hostname,
    cancelGraceSeconds,
    logLevel: nonEmpty(env['LOG_LEVEL']) ?? 'info',
    keyPrefix: nonEmpty(env['DISPATCHER_KEY_PREFIX']) ?? 'dispatcher:',
  };
}
