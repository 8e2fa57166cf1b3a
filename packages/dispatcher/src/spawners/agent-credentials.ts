/**
 * The long-lived credentials the dispatcher holds for agents' work (in `K8S_SECRET_NAME` on
 * Kubernetes). None of them is forwarded to an agent: the credential broker uses them on the
 * job's behalf (docs/security.md). Slack credentials are not among them either.
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

/** Base-URL overrides (GitHub Enterprise, self-managed GitLab, LLM gateways): the broker's upstreams. */
export const AGENT_BASE_URL_KEYS = [
  'GITHUB_API_URL',
  'GITLAB_URL',
  'JIRA_URL',
  'ANTHROPIC_BASE_URL',
  'OPENAI_BASE_URL',
] as const;

/** Agent options an operator may set once for every job (commit author, a clone mirror). */
export const AGENT_OPTION_KEYS = [
  'AGENTSMITH_GIT_AUTHOR_NAME',
  'AGENTSMITH_GIT_AUTHOR_EMAIL',
  'AGENTSMITH_CLONE_URL',
] as const;

/**
 * Every variable a spawned agent may receive from the dispatcher's environment. Credentials and
 * upstream URLs are not among them: in job mode every LLM, git and REST call goes through the
 * dispatcher's credential broker, which holds them (docs/security.md). The clone mirror is the
 * broker's business too.
 */
export const AGENT_FORWARDED_KEYS: readonly string[] = AGENT_OPTION_KEYS.filter(
  (key) => key !== 'AGENTSMITH_CLONE_URL',
);

/**
 * Environment variable naming the configuration file inside the agent. Both spawners deliver
 * `agentsmith.yml` as a file at {@link AGENT_CONFIG_DIRECTORY} — never baked into the image, never a
 * host path: Docker copies it into a volume before the start, Kubernetes mounts a ConfigMap.
 */
export const AGENT_CONFIG_PATH_ENV = 'AGENTSMITH_CONFIG';
export const AGENT_CONFIG_DIRECTORY = '/etc/agentsmith';
export const AGENT_CONFIG_FILENAME = 'agentsmith.yml';

/** The writable workspace inside every agent (`AGENTSMITH_WORKDIR`). */
export const AGENT_WORKSPACE = '/workspace';

/** The allow-listed variables that are set (and non-empty) in `env`, as `KEY=value` pairs. */
export function forwardedAgentEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const key of AGENT_FORWARDED_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') forwarded[key] = value;
  }
  return forwarded;
}
