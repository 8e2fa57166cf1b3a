import { canonicalLlmProvider, type LlmProvider } from '../config/agent-llm-config.js';
import type { AgentsmithConfig, ProjectConfig } from '../config/agentsmith-config.js';

/** Projects that share one LLM provider and endpoint: their key is checked once. */
export interface LlmGroup {
  provider: LlmProvider;
  /** The first project of the group (its `agent:` block names the endpoint). */
  project: ProjectConfig;
  names: string[];
}

export function llmGroups(config: AgentsmithConfig): LlmGroup[] {
  const groups = new Map<string, LlmGroup>();
  for (const [name, project] of Object.entries(config.projects)) {
    const provider = canonicalLlmProvider(project.agent.type);
    const key = `${provider} ${project.agent.base_url ?? ''}`;
    const group = groups.get(key) ?? { provider, project, names: [] };
    group.names.push(name);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The first GitHub repository a project names (source or tickets): where GITHUB_TOKEN is asked about. */
export function firstGithubRepository(
  config: AgentsmithConfig,
): { url: string; api_url?: string | undefined } | undefined {
  for (const project of Object.values(config.projects)) {
    for (const place of [project.source, project.tickets]) {
      if (place.type === 'github') return { url: place.url, api_url: place.api_url };
    }
  }
  return undefined;
}
