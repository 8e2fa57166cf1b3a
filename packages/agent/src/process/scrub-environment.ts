/** Names removed whatever their value: credentials of every service the agent talks to. */
const SECRET_PREFIXES = [
  'ANTHROPIC_',
  'OPENAI_',
  'GEMINI_',
  'GOOGLE_',
  'GITHUB_',
  'GITLAB_',
  'JIRA_',
  'AZURE_',
  'SLACK_',
  'AWS_',
  'AGENTSMITH_',
  'NPM_CONFIG__AUTH',
];

const SECRET_SUFFIXES = [
  '_TOKEN',
  '_KEY',
  '_SECRET',
  '_PASSWORD',
  '_PASSWD',
  '_PASS',
  '_CREDENTIALS',
  '_AUTH',
  '_API_KEY',
  '_PAT',
];

const SECRET_NAMES = new Set([
  'REDIS_URL',
  'DATABASE_URL',
  'TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'DOCKER_AUTH_CONFIG',
  'KUBECONFIG',
  'GIT_ASKPASS',
  'SSH_AUTH_SOCK',
  'GOOGLE_APPLICATION_CREDENTIALS',
]);

/** True when an environment variable name looks like it carries a credential. */
export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_NAMES.has(upper)) return true;
  if (SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix))) return true;
  if (SECRET_SUFFIXES.some((suffix) => upper.endsWith(suffix))) return true;
  return /(TOKEN|SECRET|PASSWORD|PRIVATE_KEY|API_KEY|CREDENTIAL)/.test(upper);
}

/**
 * Returns a copy of `env` without any variable that may carry a credential (`*_TOKEN`, `*_KEY`,
 * `*_SECRET`, `*_PASSWORD`, `ANTHROPIC_*`, `OPENAI_*`, `GITHUB_*`, `REDIS_URL`, ...). Commands the
 * model asks for run with this environment, so a prompt injection cannot read our secrets.
 */
export function scrubEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || isSecretVariable(name)) continue;
    clean[name] = value;
  }
  return clean;
}
