import { ConfigError } from '@agentsmith/kit';
import { DEFAULT_JOB_BUDGET_USD } from '@agentsmith/providers';

/** Credentials and upstream overrides the broker holds for every job (never given to agents). */
export interface BrokerCredentials {
  anthropicApiKey?: string;
  openaiApiKey?: string;
  geminiApiKey?: string;
  githubToken?: string;
  /** `GITLAB_TOKEN`: GitLab REST (`PRIVATE-TOKEN`) and git (`oauth2`). */
  gitlabToken?: string;
  /** `JIRA_EMAIL` + `JIRA_TOKEN`: Jira Cloud (Basic); `JIRA_TOKEN` alone: a Server PAT (Bearer). */
  jiraEmail?: string;
  jiraToken?: string;
  /** `AZURE_DEVOPS_TOKEN`: an Azure DevOps PAT (REST and git, Basic with an empty user name). */
  azureDevOpsToken?: string;
  /** `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`: LLM gateways (tests: the fake LLM). */
  anthropicBaseUrl?: string;
  openaiBaseUrl?: string;
  /** `GITHUB_API_URL`: GitHub Enterprise or a fake. */
  githubApiUrl?: string;
  /** `GITLAB_URL`: the GitLab instance root, path prefix included (self-managed, a fake). */
  gitlabUrl?: string;
  /** `JIRA_URL`: the Jira site (overrides `tickets.url`). */
  jiraUrl?: string;
  /** `AZURE_DEVOPS_URL`: replaces `https://dev.azure.com` (or the server's root) for every organisation. */
  azureDevOpsUrl?: string;
  /** `AGENTSMITH_CLONE_URL`: clone and push through a mirror (tests: a local git server). */
  cloneUrl?: string;
}

/** The broker's settings, from the dispatcher's environment. */
export interface BrokerConfig {
  /** `BROKER_PORT` (default 8081; 0 = any free port): the broker's own port, for agents only. */
  port: number;
  /** `BROKER_URL`: the broker as agents reach it (default `http://dispatcher:<port>`, Compose's name). */
  agentUrl: string;
  /** `AGENT_BUDGET_USD` / `AGENT_BUDGET_TOKENS`: a job's LLM budget when its project sets none. */
  defaultBudget: { usd?: number; tokens?: number };
  /** `BUDGET_QUESTION_TIMEOUT_SECONDS` (default 900): how long the 80 % budget question waits. */
  budgetQuestionTimeoutSeconds: number;
  credentials: BrokerCredentials;
  /** `PATH`: where the broker finds git to serve `local` sources (the only variable git gets). */
  gitSearchPath?: string;
}

/** How long the 80 % budget question waits for its answer by default (15 minutes). */
const DEFAULT_BUDGET_QUESTION_TIMEOUT_SECONDS = 900;

function positiveNumber(
  name: string,
  raw: string | undefined,
  problems: string[],
  integer = false,
): number | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    problems.push(`${name}: "${text}" is not a positive ${integer ? 'whole number' : 'number'}`);
    return undefined;
  }
  return value;
}

const nonEmpty = (value: string | undefined) => value?.trim() || undefined;

/** Upstream roots; one carrying `user:password@` would leak it into logs and error messages. */
const UPSTREAM_URL_KEYS = [
  'ANTHROPIC_BASE_URL',
  'OPENAI_BASE_URL',
  'GITHUB_API_URL',
  'GITLAB_URL',
  'JIRA_URL',
  'AZURE_DEVOPS_URL',
] as const;

function parsed(raw: string | undefined): URL | undefined {
  const text = nonEmpty(raw);
  if (!text || !URL.canParse(text)) return undefined;
  return new URL(text);
}

/** True when the URL names a user or password. */
function userInfoOf(raw: string | undefined): boolean {
  const url = parsed(raw);
  return url !== undefined && (url.username !== '' || url.password !== '');
}

/** The clone URL without `user:password@`: the broker presents the host's token itself. */
function withoutUserInfo(raw: string | undefined): string | undefined {
  const url = parsed(raw);
  if (!url || (url.username === '' && url.password === '')) return raw;
  url.username = '';
  url.password = '';
  return url.toString();
}

/** Reads the broker's settings; a wrong value is a {@link ConfigError} naming the variable. */
export function loadBrokerConfig(env: Readonly<Record<string, string | undefined>>): BrokerConfig {
  const problems: string[] = [];
  // 0 asks for any free port (tests running several dispatchers on one machine).
  const port =
    env['BROKER_PORT']?.trim() === '0'
      ? 0
      : (positiveNumber('BROKER_PORT', env['BROKER_PORT'], problems, true) ?? 8081);
  if (port > 65_535) problems.push(`BROKER_PORT: ${port} is not a TCP port`);
  const agentUrl = nonEmpty(env['BROKER_URL']) ?? `http://dispatcher:${port}`;
  if (!/^https?:\/\/[^/]+\/?$/.test(agentUrl))
    problems.push(`BROKER_URL: "${agentUrl}" must be http(s)://host:port with no path`);
  const usd =
    positiveNumber('AGENT_BUDGET_USD', env['AGENT_BUDGET_USD'], problems) ?? DEFAULT_JOB_BUDGET_USD;
  const tokens = positiveNumber('AGENT_BUDGET_TOKENS', env['AGENT_BUDGET_TOKENS'], problems, true);
  const budgetQuestionTimeoutSeconds =
    positiveNumber(
      'BUDGET_QUESTION_TIMEOUT_SECONDS',
      env['BUDGET_QUESTION_TIMEOUT_SECONDS'],
      problems,
      true,
    ) ?? DEFAULT_BUDGET_QUESTION_TIMEOUT_SECONDS;
  for (const name of UPSTREAM_URL_KEYS) {
    if (userInfoOf(env[name]))
      problems.push(
        `${name}: credentials in the URL are not accepted (put the token in its own variable)`,
      );
  }
  if (problems.length > 0)
    throw new ConfigError(`Invalid broker settings: ${problems.join('; ')}`, problems);
  const credentials: BrokerCredentials = {};
  const set = (key: keyof BrokerCredentials, value: string | undefined) => {
    if (value !== undefined) credentials[key] = value;
  };
  set('anthropicApiKey', nonEmpty(env['ANTHROPIC_API_KEY']));
  set('openaiApiKey', nonEmpty(env['OPENAI_API_KEY']));
  set(
    'geminiApiKey',
    nonEmpty(env['GEMINI_API_KEY']) ?? nonEmpty(env['GOOGLE_GENERATIVE_AI_API_KEY']),
  );
  set('githubToken', nonEmpty(env['GITHUB_TOKEN']));
  set('gitlabToken', nonEmpty(env['GITLAB_TOKEN']));
  set('jiraEmail', nonEmpty(env['JIRA_EMAIL']));
  set('jiraToken', nonEmpty(env['JIRA_TOKEN']));
  set('azureDevOpsToken', nonEmpty(env['AZURE_DEVOPS_TOKEN']));
  set('anthropicBaseUrl', nonEmpty(env['ANTHROPIC_BASE_URL']));
  set('openaiBaseUrl', nonEmpty(env['OPENAI_BASE_URL']));
  set('githubApiUrl', nonEmpty(env['GITHUB_API_URL']));
  set('gitlabUrl', nonEmpty(env['GITLAB_URL']));
  set('jiraUrl', nonEmpty(env['JIRA_URL']));
  set('azureDevOpsUrl', nonEmpty(env['AZURE_DEVOPS_URL']));
  set('cloneUrl', withoutUserInfo(nonEmpty(env['AGENTSMITH_CLONE_URL'])));
  const gitSearchPath = nonEmpty(env['PATH']);
  return {
    port,
    agentUrl: agentUrl.replace(/\/$/, ''),
    defaultBudget: { usd, ...(tokens === undefined ? {} : { tokens }) },
    budgetQuestionTimeoutSeconds,
    credentials,
    ...(gitSearchPath ? { gitSearchPath } : {}),
  };
}
