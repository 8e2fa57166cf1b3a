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
