import {
  canonicalLlmProvider,
  type AgentLlmConfig,
  type LlmProvider,
} from './config/agent-llm-config.js';

/** The jobs the agent gives to models; each can use a different model. */
export type LlmModelRole = 'scout' | 'primary' | 'planning' | 'reasoning' | 'summarization';

export const LLM_MODEL_ROLES: readonly LlmModelRole[] = [
  'scout',
  'primary',
  'planning',
  'reasoning',
  'summarization',
];

const DEFAULT_MODELS: Record<LlmProvider, Record<LlmModelRole, string>> = {
  anthropic: {
    scout: 'claude-haiku-4-5',
    primary: 'claude-sonnet-4-5',
    planning: 'claude-sonnet-4-5',
    reasoning: 'claude-opus-4-5',
    summarization: 'claude-haiku-4-5',
  },
  openai: {
    scout: 'gpt-5-mini',
    primary: 'gpt-5',
    planning: 'gpt-5',
    reasoning: 'gpt-5',
    summarization: 'gpt-5-mini',
  },
  google: {
    scout: 'gemini-2.5-flash',
    primary: 'gemini-2.5-pro',
    planning: 'gemini-2.5-pro',
    reasoning: 'gemini-2.5-pro',
    summarization: 'gemini-2.5-flash',
  },
  'openai-compatible': {
    scout: 'qwen2.5-coder',
    primary: 'qwen2.5-coder',
    planning: 'qwen2.5-coder',
    reasoning: 'qwen2.5-coder',
    summarization: 'qwen2.5-coder',
  },
};

/** The model of `role` when the project's `agent.models` gives it none. */
export function defaultModelFor(
  role: LlmModelRole,
  provider: LlmProvider,
  model: string | undefined,
): string {
  // A single configured model is the user's choice for the work; cheap roles keep cheap defaults
  // only where the provider has them (an unknown local server gets the configured model everywhere).
  if (model === undefined) return DEFAULT_MODELS[provider][role];
  if (provider === 'openai-compatible') return model;
  return role === 'scout' || role === 'summarization' ? DEFAULT_MODELS[provider][role] : model;
}

/** Every model id the agent of a project calls (one per role): what its jobs may ask for. */
export function agentModelIds(config: AgentLlmConfig): Set<string> {
  const provider = canonicalLlmProvider(config.type);
  return new Set(
    LLM_MODEL_ROLES.map(
      (role) => config.models[role]?.model ?? defaultModelFor(role, provider, config.model),
    ),
  );
}
