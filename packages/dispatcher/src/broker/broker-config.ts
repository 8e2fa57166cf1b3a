import { ConfigError } from '@agentsmith/kit';

/** Credentials and upstream overrides the broker holds for every job (never given to agents). */
export interface BrokerCredentials {
  anthropicApiKey?: string;
  openaiApiKey?: string;
  geminiApiKey?: string;
  githubToken?: string;
  /** `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`: LLM gateways (tests: the fake LLM). */
  anthropicBaseUrl?: string;
  openaiBaseUrl?: string;
  /** `GITHUB_API_URL`: GitHub Enterprise or a fake. */
  githubApiUrl?: string;
  /** `AGENTSMITH_CLONE_URL`: clone and push through a mirror (tests: a local git server). */
  cloneUrl?: string;
}

/** The broker's settings, from the dispatcher's environment. */
export interface BrokerConfig {
  /** `BROKER_PORT` (default 8081): the broker's own port, for agents only. */
  port: number;
  /** `BROKER_URL`: the broker as agents reach it (default `http://dispatcher:<port>`, Compose's name). */
  agentUrl: string;
  /** `AGENT_BUDGET_USD` / `AGENT_BUDGET_TOKENS`: a job's LLM budget when its project sets none. */
  defaultBudget: { usd?: number; tokens?: number };
  credentials: BrokerCredentials;
}

/** Default LLM budget of one job in US dollars (a generous fix; `agent.budget.usd` overrides it). */
export const DEFAULT_BUDGET_USD = 20;

function positiveNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  problems: string[],
  integer = false,
): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    problems.push(`${name}: "${raw}" is not a positive ${integer ? 'whole number' : 'number'}`);
    return undefined;
  }
  return value;
}

/** Reads the broker's settings; a wrong value is a {@link ConfigError} naming the variable. */
export function loadBrokerConfig(env: Readonly<Record<string, string | undefined>>): BrokerConfig {
  const problems: string[] = [];
  const port = positiveNumber(env, 'BROKER_PORT', problems, true) ?? 8081;
  if (port > 65_535) problems.push(`BROKER_PORT: ${port} is not a TCP port`);
  const agentUrl = env['BROKER_URL']?.trim() || `http://dispatcher:${port}`;
  if (!/^https?:\/\/[^/]+\/?$/.test(agentUrl))
    problems.push(`BROKER_URL: "${agentUrl}" must be http(s)://host:port with no path`);
  const usd = positiveNumber(env, 'AGENT_BUDGET_USD', problems) ?? DEFAULT_BUDGET_USD;
  const tokens = positiveNumber(env, 'AGENT_BUDGET_TOKENS', problems, true);
  if (problems.length > 0)
    throw new ConfigError(`Invalid broker settings: ${problems.join('; ')}`, problems);
  const pick = (name: string) => env[name]?.trim() || undefined;
  const credentials: BrokerCredentials = {};
  const set = (key: keyof BrokerCredentials, value: string | undefined) => {
    if (value !== undefined) credentials[key] = value;
  };
  set('anthropicApiKey', pick('ANTHROPIC_API_KEY'));
  set('openaiApiKey', pick('OPENAI_API_KEY'));
  set('geminiApiKey', pick('GEMINI_API_KEY') ?? pick('GOOGLE_GENERATIVE_AI_API_KEY'));
  set('githubToken', pick('GITHUB_TOKEN'));
  set('anthropicBaseUrl', pick('ANTHROPIC_BASE_URL'));
  set('openaiBaseUrl', pick('OPENAI_BASE_URL'));
  set('githubApiUrl', pick('GITHUB_API_URL'));
  set('cloneUrl', pick('AGENTSMITH_CLONE_URL'));
  return {
    port,
    agentUrl: agentUrl.replace(/\/$/, ''),
    defaultBudget: { usd, ...(tokens === undefined ? {} : { tokens }) },
    credentials,
  };
}
