import { ConfigError } from '@agentsmith/kit';
import type { z } from 'zod';
import { forwardedAgentEnv } from '@agentsmith/contracts';
import { DispatcherEnvironment, type LOG_LEVELS } from './dispatcher-environment.js';
import { loadBrokerConfig, type BrokerConfig } from './broker-config.js';
import { withRedisPassword } from './redis-auth.js';
import type { SpawnerSettings } from './spawner-settings.js';

type LogLevel = (typeof LOG_LEVELS)[number];

/** How the dispatcher receives Slack traffic. */
export type SlackMode =
  | { kind: 'http'; botToken: string; signingSecret: string }
  | { kind: 'socket'; botToken: string; appToken: string; signingSecret?: string };

/** A value and everything inside it, read-only. */
export type DeepReadonly<T> = T extends (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;

/** Who may use the bot (`SLACK_ADMIN_USERS`, `SLACK_ALLOWED_*`, `SLACK_ALLOW_*`); docs/security.md. */
interface AccessSettings {
  /** May do everything, and control every job. */
  admins: string[];
  /** Workspaces whose members may ask; empty → only the workspace the app is installed in. */
  teams: string[];
  /** Empty → every channel the bot is in. */
  channels: string[];
  /** With `usergroups`: empty both → every member; otherwise a person must be listed or in a group. */
  users: string[];
  usergroups: string[];
  allowGuests: boolean;
  allowExternalUsers: boolean;
  /** How long a looked-up profile or user group is trusted. */
  directoryCacheTtlMs: number;
}

/** The jobs page (`/jobs`, docs/jobs-page.md); absent when no way to sign in is configured. */
interface JobsPageSettings {
  /** `JOBS_PAGE_TOKEN`: a bearer token for read-only access. */
  token?: string;
  /** Sign in with Slack (OpenID Connect). */
  slackSignIn?: { clientId: string; clientSecret: string };
  /** `JOBS_PAGE_URL`: the dispatcher's public base URL, without a trailing `/`. */
  publicUrl?: string;
}

interface DispatcherSettings {
  /** `redis://host:port[/db]` as ioredis takes it. */
  redisUrl: string;
  /** The address as given (e.g. `redis:6379` in Compose); the agent receives this one. */
  agentRedisUrl: string;
  /** Path of `agentsmith.yml`: the project catalog, and the file every agent receives. */
  configPath: string;
  port: number;
  /** `/metrics` and `/ready` with its reasons: never on the public port. */
  opsPort: number;
  slack: SlackMode;
  access: AccessSettings;
  /** Web API base URL ending in `/`, e.g. `https://slack.com/api/`; undefined → Slack's. */
  slackApiUrl: string | undefined;
  jobMaxDurationMs: number;
  /** Name of this replica (relay ownership); stable across a restart of the same container. */
  instanceId: string;
  /** Seconds between `cancel` and the spawner's stop. */
  cancelGraceSeconds: number;
  /** Concurrent jobs across every replica, per user and per project; more wait in the queue. */
  admissionLimits: { total: number; perUser: number; perProject: number };
  /** Silence (no entry, not even a heartbeat) after which the thread says the agent is not responding. */
  heartbeatTimeoutMs: number;
  logLevel: LogLevel;
  /** Prefix of the dispatcher's own Redis keys (the wire keys are fixed by the contract). */
  keyPrefix: string;
  spawner: SpawnerSettings;
  /** The credential broker's port, URL for agents, default budget and the credentials it holds. */
  broker: BrokerConfig;
  /** Undefined: the page is off (never open by default). */
  jobsPage?: JobsPageSettings;
}

/**
 * The dispatcher's settings: parsed once from the environment by {@link loadDispatcherConfig}
 * and frozen, so no part of the program can change what another part sees.
 */
export type DispatcherConfig = DeepReadonly<DispatcherSettings>;

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/** How a bad value is shown: never a secret, never the password part of a URL. */
function shown(name: string, value: string): string {
  if (/TOKEN|SECRET|PASSWORD|_KEY$/.test(name)) return '***';
  return name === 'REDIS_URL' ? value.replace(/^(\w+:\/\/)?[^@/]*@/, '$1***@') : value;
}

/** `NAME="value" is not valid: what is allowed`, or `NAME is not set: …`. */
function problemsOf(
  error: z.ZodError,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name]?.trim();
    return value
      ? `${name}="${shown(name, value)}" is not valid: ${issue.message}`
      : `${name} is not set: ${issue.message}`;
  });
}

/**
 * On Docker, /workspace and /tmp are tmpfs mounts, and a tmpfs is charged to the container's
 * memory: sized at or beyond AGENT_MEMORY, a full workspace ends as an out-of-memory kill
 * instead of the "workspace full" the person in the thread can act on.
 */
function tmpfsBeyondMemory(
  vars: {
    SPAWNER_TYPE: string;
    AGENT_MEMORY: number;
    AGENT_WORKSPACE_SIZE: number;
    AGENT_TMP_SIZE: number;
  },
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (vars.SPAWNER_TYPE !== 'docker') return [];
  if (vars.AGENT_WORKSPACE_SIZE + vars.AGENT_TMP_SIZE < vars.AGENT_MEMORY) return [];
  const given = (name: string, fallback: string) => `${name}=${env[name]?.trim() || fallback}`;
  return [
    `${given('AGENT_WORKSPACE_SIZE', '2g')} and ${given('AGENT_TMP_SIZE', '512m')} together are not below ${given('AGENT_MEMORY', '4g')}: on Docker both are in-memory file systems charged to the agent's memory, so a full workspace would be killed as out of memory instead of reported as full; raise AGENT_MEMORY or lower AGENT_WORKSPACE_SIZE`,
  ];
}

/**
 * Reads and checks the dispatcher's environment, once, with {@link DispatcherEnvironment}.
 * Reports every problem at once as a {@link ConfigError}; each names the variable, its value
 * and what is allowed.
 */
export function loadDispatcherConfig(
  env: Readonly<Record<string, string | undefined>>,
  hostname = 'dispatcher',
): DispatcherConfig {
  const parsed = DispatcherEnvironment.safeParse(env);
  const problems = parsed.success ? [] : problemsOf(parsed.error, env);
  let broker: BrokerConfig | undefined;
  try {
    broker = loadBrokerConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (parsed.success) problems.push(...tmpfsBeyondMemory(parsed.data, env));
  if (!parsed.success || !broker || problems.length > 0) {
    throw new ConfigError(`The dispatcher cannot start:\n  ${problems.join('\n  ')}`, problems);
  }
  const vars = parsed.data;
  const botToken = vars.SLACK_BOT_TOKEN ?? '';
  const slack: SlackMode = vars.SLACK_APP_TOKEN
    ? {
        kind: 'socket',
        botToken,
        appToken: vars.SLACK_APP_TOKEN,
        ...(vars.SLACK_SIGNING_SECRET ? { signingSecret: vars.SLACK_SIGNING_SECRET } : {}),
      }
    : { kind: 'http', botToken, signingSecret: vars.SLACK_SIGNING_SECRET ?? '' };
  const image = vars.AGENTSMITH_IMAGE;
  const resources = {
    memoryBytes: vars.AGENT_MEMORY,
    cpus: vars.AGENT_CPUS,
    pidsLimit: vars.AGENT_PIDS_LIMIT,
    workspaceBytes: vars.AGENT_WORKSPACE_SIZE,
    tmpBytes: vars.AGENT_TMP_SIZE,
  };
  const spawner: SpawnerSettings =
    vars.SPAWNER_TYPE === 'docker'
      ? {
          type: 'docker',
          docker: {
            image,
            ...vars.DOCKER_HOST,
            ...(vars.DOCKER_NETWORK ? { network: vars.DOCKER_NETWORK } : {}),
            resources,
          },
          agentEnv: forwardedAgentEnv(vars),
        }
      : {
          type: 'kubernetes',
          kubernetes: {
            image,
            namespace: vars.K8S_NAMESPACE,
            secretName: vars.K8S_SECRET_NAME,
            imagePullPolicy: vars.IMAGE_PULL_POLICY,
            ttlSecondsAfterFinished: vars.K8S_JOB_TTL_SECONDS,
            resources,
            memoryRequestBytes: vars.AGENT_MEMORY_REQUEST,
            cpuRequest: vars.AGENT_CPU_REQUEST,
          },
          kubeconfig: {
            inCluster: vars.KUBERNETES_SERVICE_HOST !== undefined,
            ...(vars.KUBECONFIG ? { file: vars.KUBECONFIG.split(':').find(Boolean) } : {}),
          },
        };
  const jobsPage: JobsPageSettings = {
    ...(vars.JOBS_PAGE_TOKEN ? { token: vars.JOBS_PAGE_TOKEN } : {}),
    ...(vars.SLACK_CLIENT_ID && vars.SLACK_CLIENT_SECRET
      ? { slackSignIn: { clientId: vars.SLACK_CLIENT_ID, clientSecret: vars.SLACK_CLIENT_SECRET } }
      : {}),
    ...(vars.JOBS_PAGE_URL ? { publicUrl: vars.JOBS_PAGE_URL } : {}),
  };
  return deepFreeze({
    redisUrl: withRedisPassword(vars.REDIS_URL.url, vars.REDIS_PASSWORD),
    agentRedisUrl: vars.REDIS_URL.asGiven,
    configPath: vars.AGENTSMITH_CONFIG,
    port: vars.PORT,
    opsPort: vars.OPS_PORT,
    slack,
    access: {
      admins: vars.SLACK_ADMIN_USERS,
      teams: vars.SLACK_ALLOWED_TEAMS,
      channels: vars.SLACK_ALLOWED_CHANNELS,
      users: vars.SLACK_ALLOWED_USERS,
      usergroups: vars.SLACK_ALLOWED_USERGROUPS,
      allowGuests: vars.SLACK_ALLOW_GUESTS,
      allowExternalUsers: vars.SLACK_ALLOW_EXTERNAL_USERS,
      directoryCacheTtlMs: vars.SLACK_DIRECTORY_CACHE_TTL,
    },
    slackApiUrl: vars.SLACK_API_URL,
    jobMaxDurationMs: vars.JOB_MAX_DURATION,
    instanceId: vars.DISPATCHER_INSTANCE_ID ?? vars.HOSTNAME ?? hostname,
    cancelGraceSeconds: vars.CANCEL_GRACE_SECONDS,
    admissionLimits: {
      total: vars.MAX_CONCURRENT_JOBS,
      perUser: vars.MAX_JOBS_PER_USER,
      perProject: vars.MAX_JOBS_PER_PROJECT,
    },
    heartbeatTimeoutMs: vars.HEARTBEAT_TIMEOUT,
    logLevel: vars.LOG_LEVEL,
    keyPrefix: vars.DISPATCHER_KEY_PREFIX,
    spawner,
    broker,
    ...(jobsPage.token || jobsPage.slackSignIn ? { jobsPage } : {}),
  });
}
