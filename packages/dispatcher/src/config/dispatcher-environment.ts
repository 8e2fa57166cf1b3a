import {
  AGENT_BASE_URL_KEYS,
  AGENT_CREDENTIAL_KEYS,
  AGENT_FORWARDED_KEYS,
  DEFAULT_CONFIG_PATH,
  toRedisUrl,
} from '@agentsmith/contracts';
import { parseDuration } from '@agentsmith/kit';
import { z } from 'zod';
import { parseMemory } from './spawner-settings.js';

export const SPAWNER_TYPES = ['docker', 'kubernetes'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

/**
 * One variable: unset or blank → `fallback`; otherwise `read(text)`. When `read` throws or
 * returns undefined the issue's message is `allowed`, i.e. what the operator may write instead.
 */
function variable<T>(allowed: string, read: (text: string) => T | undefined, fallback: T) {
  return z
    .string()
    .optional()
    .transform((raw, context): T => {
      const text = raw?.trim();
      if (!text) return fallback;
      let value: T | undefined;
      try {
        value = read(text);
      } catch {
        value = undefined;
      }
      if (value === undefined) {
        context.addIssue({ code: 'custom', message: allowed });
        return z.NEVER;
      }
      return value;
    });
}

const text = (fallback: string) => variable('any text', (value) => value, fallback);
const optionalText = () => variable<string | undefined>('any text', (value) => value, undefined);

function choice<const T extends readonly string[]>(
  values: T,
  fallback: T[number],
  ignoreCase = false,
) {
  return variable<T[number]>(
    `use one of ${values.join(', ')}`,
    (value) =>
      values.find((option) =>
        ignoreCase ? option.toLowerCase() === value.toLowerCase() : option === value,
      ),
    fallback,
  );
}

function wholeNumber(allowed: string, min: number, max: number, fallback: number) {
  return variable(
    allowed,
    (value) => {
      const number = Number(value);
      return /^\d+$/.test(value) && number >= min && number <= max ? number : undefined;
    },
    fallback,
  );
}

function positiveNumber(fallback: number) {
  return variable(
    'use a number above 0, e.g. 0.5 or 2',
    (value) => {
      const number = Number(value);
      return Number.isFinite(number) && number > 0 ? number : undefined;
    },
    fallback,
  );
}

const memory = (fallback: string) =>
  variable('use a memory size such as 512m, 4g or 2Gi', parseMemory, parseMemory(fallback));

const duration = (fallback: string) =>
  variable(
    'use a positive duration such as 90s, 30m or 1h',
    (value) => {
      const ms = parseDuration(value);
      return ms > 0 ? ms : undefined;
    },
    parseDuration(fallback),
  );

/** `unix:///path` or `tcp://host[:port]`. */
function dockerEngine(value: string): { socketPath: string } | { host: string; port: number } {
  if (value.startsWith('unix://')) return { socketPath: value.slice('unix://'.length) };
  const match = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(value);
  if (!match?.[1]) throw new Error('not a Docker address');
  return { host: match[1], port: Number(match[2] ?? 2375) };
}

/** Slack ids (`U…`, `C…`, `S…`, `T…`), separated by commas or blanks; empty when unset. */
function slackIds(kind: string) {
  return variable<string[]>(
    `use ${kind} ids separated by commas, e.g. U012AB3CD,U045EF6GH`,
    (value) => {
      const ids = value.split(/[\s,]+/).filter(Boolean);
      return ids.every((id) => /^[A-Z0-9]{2,}$/.test(id)) ? ids : undefined;
    },
    [],
  );
}

function yesNo(fallback: boolean) {
  return variable(
    'use true or false',
    (value) => ({ true: true, false: false })[value.toLowerCase() as 'true' | 'false'],
    fallback,
  );
}

const forwardedToAgents = Object.fromEntries(
  AGENT_FORWARDED_KEYS.map((name) => [name, optionalText()]),
) as Record<(typeof AGENT_FORWARDED_KEYS)[number], ReturnType<typeof optionalText>>;

/** What the credential broker uses on the jobs' behalf (config/broker-config.ts reads them). */
const heldForTheBroker = Object.fromEntries(
  [...AGENT_CREDENTIAL_KEYS, ...AGENT_BASE_URL_KEYS, 'AGENTSMITH_CLONE_URL'].map((name) => [
    name,
    optionalText(),
  ]),
) as Record<string, ReturnType<typeof optionalText>>;

/**
 * Every variable the dispatcher reads, with its default and what it accepts (`.env.example`
 * documents each one). `loadDispatcherConfig` parses the environment with it exactly once.
 */
export const DispatcherEnvironment = z
  .object({
    REDIS_URL: variable(
      'use host:port or redis://host:port',
      (value) => ({ asGiven: value, url: toRedisUrl(value) }),
      { asGiven: 'localhost:6379', url: 'redis://localhost:6379' },
    ),
    SPAWNER_TYPE: choice(SPAWNER_TYPES, 'kubernetes', true),
    AGENTSMITH_IMAGE: text('agentsmith:latest'),
    AGENTSMITH_CONFIG: text(DEFAULT_CONFIG_PATH),
    PORT: wholeNumber('use a port number (0-65535)', 0, 65_535, 8080),
    SLACK_BOT_TOKEN: variable<string | undefined>('any text', (value) => value, undefined).refine(
      (value) => value !== undefined,
      'set it to the bot token (xoxb-…) of the Slack app',
    ),
    SLACK_SIGNING_SECRET: optionalText(),
    SLACK_APP_TOKEN: optionalText(),
    SLACK_API_URL: variable<string | undefined>(
      'use an http(s) URL such as https://slack.com/api/',
      (value) => (/^https?:\/\/\S+$/.test(value) ? value.replace(/\/?$/, '/') : undefined),
      undefined,
    ),
    OPS_PORT: wholeNumber('use a port number (0-65535)', 0, 65_535, 9090),
    SLACK_ADMIN_USERS: slackIds('user'),
    SLACK_ALLOWED_TEAMS: slackIds('workspace (team)'),
    SLACK_ALLOWED_CHANNELS: slackIds('channel'),
    SLACK_ALLOWED_USERS: slackIds('user'),
    SLACK_ALLOWED_USERGROUPS: slackIds('user group'),
    SLACK_ALLOW_GUESTS: yesNo(false),
    SLACK_ALLOW_EXTERNAL_USERS: yesNo(false),
    SLACK_DIRECTORY_CACHE_TTL: duration('5m'),
    JOBS_PAGE_TOKEN: variable<string | undefined>(
      'use a random string of at least 32 characters, e.g. from `openssl rand -hex 32`',
      (value) => (value.length >= 32 ? value : undefined),
      undefined,
    ),
    SLACK_CLIENT_ID: optionalText(),
    SLACK_CLIENT_SECRET: optionalText(),
    JOBS_PAGE_URL: variable<string | undefined>(
      'use the public http(s) base URL of the dispatcher, e.g. https://agentsmith.example.com',
      (value) =>
        /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(value) ? value.replace(/\/+$/, '') : undefined,
      undefined,
    ),
    JOB_MAX_DURATION: duration('60m'),
    CANCEL_GRACE_SECONDS: wholeNumber(
      'use a whole number of seconds',
      0,
      Number.MAX_SAFE_INTEGER,
      30,
    ),
    MAX_CONCURRENT_JOBS: wholeNumber('use a whole number of jobs, 1 or more', 1, 100_000, 10),
    MAX_JOBS_PER_USER: wholeNumber('use a whole number of jobs, 1 or more', 1, 100_000, 3),
    MAX_JOBS_PER_PROJECT: wholeNumber('use a whole number of jobs, 1 or more', 1, 100_000, 5),
    HEARTBEAT_TIMEOUT: duration('90s'),
    DISPATCHER_INSTANCE_ID: optionalText(),
    HOSTNAME: optionalText(),
    DISPATCHER_KEY_PREFIX: text('dispatcher:'),
    LOG_LEVEL: choice(LOG_LEVELS, 'info', true),
    AGENT_MEMORY: memory('4g'),
    AGENT_CPUS: positiveNumber(2),
    AGENT_PIDS_LIMIT: wholeNumber('use a whole number above 0', 1, Number.MAX_SAFE_INTEGER, 512),
    AGENT_WORKSPACE_SIZE: memory('2g'),
    AGENT_TMP_SIZE: memory('512m'),
    DOCKER_HOST: variable(
      'use unix:///var/run/docker.sock or tcp://host:2375',
      dockerEngine,
      dockerEngine('unix:///var/run/docker.sock'),
    ),
    DOCKER_NETWORK: optionalText(),
    K8S_NAMESPACE: text('agentsmith'),
    K8S_SECRET_NAME: text('agentsmith-secrets'),
    IMAGE_PULL_POLICY: choice(PULL_POLICIES, 'IfNotPresent'),
    K8S_JOB_TTL_SECONDS: wholeNumber(
      'use a whole number of seconds above 0',
      1,
      Number.MAX_SAFE_INTEGER,
      300,
    ),
    AGENT_MEMORY_REQUEST: memory('512m'),
    AGENT_CPU_REQUEST: positiveNumber(0.25),
    KUBECONFIG: optionalText(),
    KUBERNETES_SERVICE_HOST: optionalText(),
    REDIS_PASSWORD: optionalText(),
    BROKER_PORT: optionalText(),
    BROKER_URL: optionalText(),
    AGENT_BUDGET_USD: optionalText(),
    AGENT_BUDGET_TOKENS: optionalText(),
    BUDGET_QUESTION_TIMEOUT_SECONDS: optionalText(),
    ...forwardedToAgents,
    ...heldForTheBroker,
  })
  .superRefine((env, context) => {
    // Sign in with Slack needs all three; a half-configured one would leave the page silently off.
    const signIn = {
      SLACK_CLIENT_ID: env.SLACK_CLIENT_ID,
      SLACK_CLIENT_SECRET: env.SLACK_CLIENT_SECRET,
      JOBS_PAGE_URL: env.JOBS_PAGE_URL,
    };
    const missing = Object.entries(signIn).filter(([, value]) => value === undefined);
    // JOBS_PAGE_URL alone is fine (a token-only page behind https); a client id or secret is not.
    const started = env.SLACK_CLIENT_ID !== undefined || env.SLACK_CLIENT_SECRET !== undefined;
    if (started && missing.length > 0) {
      for (const [name] of missing)
        context.addIssue({
          code: 'custom',
          path: [name],
          message: `Sign in with Slack on the jobs page needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and JOBS_PAGE_URL together; set ${name} too (or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)`,
        });
    }
  })
  .refine((env) => env.SLACK_APP_TOKEN !== undefined || env.SLACK_SIGNING_SECRET !== undefined, {
    path: ['SLACK_SIGNING_SECRET'],
    message:
      'HTTP mode refuses unsigned requests; set SLACK_SIGNING_SECRET (Basic Information → Signing Secret) or set SLACK_APP_TOKEN (xapp-…) for Socket Mode',
    // Checked even when other variables are wrong, so every problem is reported at once.
    when: () => true,
  });

export type DispatcherEnvironment = z.output<typeof DispatcherEnvironment>;
