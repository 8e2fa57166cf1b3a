import { BROKER_ENVIRONMENT, BROKER_PATHS } from '@agentsmith/contracts';
import { canonicalLlmProvider, type AgentLlmConfig } from '@agentsmith/providers';

/** How a dispatcher-spawned run reaches its LLM, git host and tracker: all through the broker. */
export interface BrokerAccess {
  /**
   * The environment the providers are built from: the broker's REST URL and git URL, with the
   * job token where a provider expects its token. Never given to child processes.
   */
  providerEnv: NodeJS.ProcessEnv;
  /** The LLM's base URL (`<broker>/llm/<provider>`) and the job token as its API key. */
  llm: { apiKey: string; baseUrlOverride: string };
  /**
   * git's login at the broker where the host's adapter brings none: a `local` source, which the
   * broker serves itself. The other adapters already send the job token as their token.
   */
  gitCredentials: { username: string; password: string };
}

/**
 * The broker settings of a job-mode run, or undefined when the agent runs as a plain CLI (then
 * its own environment's credentials are used, as they always were). In job mode the container
 * holds no real credential: the job token stands in for every key, and the broker swaps it for the
 * real one on the way out, within the job's scope.
 */
export function brokerAccess(
  env: NodeJS.ProcessEnv,
  projectName: string,
  agent: AgentLlmConfig,
): BrokerAccess | undefined {
  const brokerUrl = env[BROKER_ENVIRONMENT.brokerUrl]?.trim().replace(/\/+$/, '');
  const token = env[BROKER_ENVIRONMENT.jobToken]?.trim();
  if (!brokerUrl || !token) return undefined;
  const provider = canonicalLlmProvider(agent.type);
  const rest = (provider: string) => `${brokerUrl}${BROKER_PATHS.rest(provider)}`;
  // The adapters stay as they are: each sends the job token the way it sends its real token
  // (Bearer, PRIVATE-TOKEN, Basic password) to a base URL that is the broker's route for it.
  const providerEnv: NodeJS.ProcessEnv = {
    ...env,
    GITHUB_TOKEN: token,
    GITHUB_API_URL: rest('github'),
    GITLAB_TOKEN: token,
    GITLAB_URL: rest('gitlab'),
    JIRA_TOKEN: token,
    JIRA_URL: rest('jira'),
    AZURE_DEVOPS_TOKEN: token,
    AZURE_DEVOPS_URL: rest('azuredevops'),
    AGENTSMITH_CLONE_URL: `${brokerUrl}${BROKER_PATHS.git(projectName)}`,
  };
  // Without an e-mail the Jira client sends the token as Bearer, the form the broker reads.
  delete providerEnv['JIRA_EMAIL'];
  return {
    providerEnv,
    llm: { apiKey: token, baseUrlOverride: `${brokerUrl}${BROKER_PATHS.llm(provider)}` },
    gitCredentials: { username: 'agentsmith-job', password: token },
  };
}
