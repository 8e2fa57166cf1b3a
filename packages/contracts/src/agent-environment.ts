import { BROKER_ENVIRONMENT } from './broker-environment.js';

/**
 * Every environment variable the agent reads, in one place (docs/environment.md lists them for
 * operators). The dispatcher forwards the credential, base-URL and option groups from its own
 * environment (Docker) or a Secret (Kubernetes), and sets the job and location groups itself.
 * A test checks that the agent's and providers' sources read no variable missing here.
 */

/**
 * Credentials of the trackers, git hosts and LLM providers. Secret: never logged. A plain CLI run
 * reads them from its own environment; the dispatcher holds them for its credential broker and
 * never forwards them to a spawned agent (docs/security.md).
 */
export const AGENT_CREDENTIAL_KEYS = [
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_GENERATIVE_AI_API_KEY',
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
  'AZURE_DEVOPS_TOKEN',
  'JIRA_EMAIL',
  'JIRA_TOKEN',
] as const;

/** Base-URL overrides (GitHub Enterprise, self-managed GitLab, LLM gateways): in job mode the broker's upstreams. */
export const AGENT_BASE_URL_KEYS = [
  'GITHUB_API_URL',
  'GITLAB_URL',
  'JIRA_URL',
  'AZURE_DEVOPS_URL',
  'ANTHROPIC_BASE_URL',
  'OPENAI_BASE_URL',
] as const;

/** Options an operator may set once for every job: the commit author, a clone mirror. */
const AGENT_OPTION_KEYS = [
  'AGENTSMITH_GIT_AUTHOR_NAME',
  'AGENTSMITH_GIT_AUTHOR_EMAIL',
  'AGENTSMITH_CLONE_URL',
] as const;

/** The configuration file: `--config` wins, then this, then {@link DEFAULT_CONFIG_PATH}. */
export const AGENT_CONFIG_PATH_ENV = 'AGENTSMITH_CONFIG';
/** The configuration's text itself, which the Docker spawner sets instead of copying a file. */
export const AGENT_CONFIG_TEXT_ENV = 'AGENTSMITH_CONFIG_TEXT';
/** Where the agent clones into; a spawner points it at the container's writable workspace. */
export const AGENT_WORKDIR_ENV = 'AGENTSMITH_WORKDIR';
/** pino level of the JSON logs on stderr (`--verbose` means `debug`). */
export const AGENT_LOG_LEVEL_ENV = 'LOG_LEVEL';
/** Webhook mode (`agentsmith --server`) verifies every GitHub delivery with this secret. */
export const AGENT_WEBHOOK_SECRET_ENV = 'GITHUB_WEBHOOK_SECRET';

/**
 * The half of the job spec that does not travel in argv (its argument list is fixed, docs/architecture.md), set
 * by the spawners from the spec (see job-arguments.ts).
 */
export const JOB_SPEC_ENV = {
  specificationVersion: 'AGENTSMITH_JOB_SPEC_VERSION',
  createdAt: 'AGENTSMITH_JOB_CREATED_AT',
  maxDurationSeconds: 'AGENTSMITH_JOB_MAX_DURATION_SECONDS',
  threadId: 'AGENTSMITH_JOB_THREAD_ID',
  requestedBy: 'AGENTSMITH_JOB_REQUESTED_BY',
  replay: 'AGENTSMITH_JOB_REPLAY',
} as const;

/**
 * The variables a dispatcher forwards from its own environment to every agent, when set: only the
 * commit author. Credentials, upstream URLs and the clone mirror stay with the dispatcher's
 * credential broker, which every LLM, git and REST call of a spawned agent goes through.
 */
export const AGENT_FORWARDED_KEYS: readonly string[] = AGENT_OPTION_KEYS.filter(
  (name) => name !== 'AGENTSMITH_CLONE_URL',
);

/** Every variable the agent reads (besides the process basics PATH and HOME). */
export const AGENT_ENV_NAMES: readonly string[] = [
  ...AGENT_CREDENTIAL_KEYS,
  ...AGENT_BASE_URL_KEYS,
  ...AGENT_OPTION_KEYS,
  ...Object.values(BROKER_ENVIRONMENT),
  AGENT_CONFIG_PATH_ENV,
  AGENT_CONFIG_TEXT_ENV,
  AGENT_WORKDIR_ENV,
  AGENT_LOG_LEVEL_ENV,
  AGENT_WEBHOOK_SECRET_ENV,
  ...Object.values(JOB_SPEC_ENV),
];

/** The allow-listed variables that are set (and non-empty) in `env`. */
export function forwardedAgentEnv(env: Readonly<Record<string, unknown>>): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of AGENT_FORWARDED_KEYS) {
    const value = env[name];
    if (typeof value === 'string' && value !== '') forwarded[name] = value;
  }
  return forwarded;
}
