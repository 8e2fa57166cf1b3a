/**
 * Environment variables through which a dispatcher-spawned agent reaches the credential broker
 * and its own Redis keys (docs/security.md). They hold the job's only secrets: both are minted per
 * job, scoped to it, and revoked when it ends. An agent run as a plain CLI has none of them and
 * uses the credentials of its own environment instead.
 */
export const BROKER_ENVIRONMENT = {
  /** Base URL of the broker as the agent reaches it, e.g. `http://dispatcher:8081`. */
  brokerUrl: 'AGENTSMITH_BROKER_URL',
  /** The job's broker token: the API key, git password and REST token of every brokered call. */
  jobToken: 'AGENTSMITH_JOB_TOKEN',
  /** The job's Redis ACL user (may only append to `job:<id>:out` and read `job:<id>:in`). */
  redisUsername: 'AGENTSMITH_REDIS_USERNAME',
  /** The password of {@link BROKER_ENVIRONMENT.redisUsername}. */
  redisPassword: 'AGENTSMITH_REDIS_PASSWORD',
} as const;

/** The broker's path prefixes (`<broker>/llm/<provider>`, `<broker>/git/<project>.git`, `<broker>/rest/<provider>`). */
export const BROKER_PATHS = {
  llm: (provider: string) => `/llm/${provider}`,
  git: (project: string) => `/git/${encodeURIComponent(project)}.git`,
  rest: (provider: string) => `/rest/${provider}`,
} as const;

/** The branch a job pushes and opens its pull request from: `fix/<ticket>`. */
export function jobBranchName(ticketId: string): string {
  return `fix/${ticketId}`;
}

/**
 * Response header by which the broker marks its refusal of an LLM call once the job's budget is
 * spent (value `exhausted`); the agent ends the run with `budget_exhausted` instead of retrying.
 */
export const BUDGET_HEADER = 'x-agentsmith-budget';
