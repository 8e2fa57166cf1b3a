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
 * Response header by which the broker marks its refusal (HTTP 402) of an LLM call for money
 * reasons; the value is one of {@link BudgetRefusal}. The agent never retries such a refusal.
 */
export const BUDGET_HEADER = 'x-agentsmith-budget';

/**
 * The standard proxy variables a spawned agent gets (both spellings: curl and git read only the
 * lower-case `http_proxy`, most other tools either). They point at the broker's forward proxy
 * with the job's egress token as the password, the only way out of the agents' network; the
 * broker and Redis are reached directly (docs/security.md, "Egress").
 */
export const EGRESS_PROXY_ENVIRONMENT = {
  proxy: ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'],
  noProxy: ['NO_PROXY', 'no_proxy'],
} as const;

/** The user name in the proxy URL (any name works; the password is the egress token). */
const EGRESS_PROXY_USER = 'job';

/**
 * The proxy variables of a job: `http://job:<egressToken>@<broker host:port>` for every proxy
 * name, and the broker's and Redis's hosts (plus localhost) for the `NO_PROXY` names.
 */
export function egressProxyEnvironment(
  brokerUrl: string,
  egressToken: string,
  directHosts: readonly string[],
): Record<string, string> {
  const broker = new URL(brokerUrl);
  const proxyUrl = `http://${EGRESS_PROXY_USER}:${encodeURIComponent(egressToken)}@${broker.host}`;
  const noProxy = [...new Set([broker.hostname, ...directHosts, 'localhost', '127.0.0.1'])].join(
    ',',
  );
  const env: Record<string, string> = {};
  for (const name of EGRESS_PROXY_ENVIRONMENT.proxy) env[name] = proxyUrl;
  for (const name of EGRESS_PROXY_ENVIRONMENT.noProxy) env[name] = noProxy;
  return env;
}

/**
 * Why the broker refused an LLM call (the value of {@link BUDGET_HEADER}):
 * - `ask`: the job reached 80 % of its budget; the agent asks the requester (a `budget` question)
 *   and calls again after "Continue", which raised the cap in the broker's ledger;
 * - `exhausted`: the job's cap is reached; `stopped`: the requester (or the question's timeout)
 *   said stop; `daily-cap`: the project's daily cap is reached. The agent keeps its work: it
 *   commits what it has and opens a draft pull request that says it is unfinished.
 */
export type BudgetRefusal = 'ask' | 'exhausted' | 'stopped' | 'daily-cap';

/** Headers of an `ask` refusal: spent and cap so far, the step "Continue" adds, the answer's timeout. */
export const BUDGET_ASK_HEADERS = {
  spentUsd: 'x-agentsmith-budget-spent-usd',
  capUsd: 'x-agentsmith-budget-cap-usd',
  stepUsd: 'x-agentsmith-budget-step-usd',
  timeoutSeconds: 'x-agentsmith-budget-timeout-seconds',
} as const;

/** The share of a job's dollar budget at which the broker pauses it and the requester is asked. */
export const BUDGET_ASK_FRACTION = 0.8;
