import { parseDuration } from '@agentsmith/kit';
import { z } from 'zod';

/** Provider names accepted in `agent.type`; aliases map to one SDK provider each. */
export const LLM_PROVIDER_TYPES = [
  'claude',
  'anthropic',
  'openai',
  'gemini',
  'google',
  'openai-compatible',
  'ollama',
] as const;

/** A value of `agent.type`. */
export type LlmProviderType = (typeof LLM_PROVIDER_TYPES)[number];

/** The SDK provider behind a configured type (`claude` → `anthropic`, `ollama` → `openai-compatible`). */
export type LlmProvider = 'anthropic' | 'openai' | 'google' | 'openai-compatible';

/** Resolves an alias of `agent.type` to its SDK provider. */
export function canonicalLlmProvider(type: LlmProviderType): LlmProvider {
  switch (type) {
    case 'claude':
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
    case 'google':
      return 'google';
    case 'ollama':
    case 'openai-compatible':
      return 'openai-compatible';
    case 'openai':
      return 'openai';
  }
}

const positiveInt = z.number().int().positive();

/** `agent.retry`: the one retry layer around every LLM call. */
export const LlmRetryConfig = z.object({
  /** Retries after the first attempt. */
  max_retries: z.number().int().min(0).default(5),
  initial_delay_ms: z.number().int().min(0).default(2000),
  backoff_multiplier: z.number().min(1).default(2),
  /** Also caps a server's `Retry-After`. */
  max_delay_ms: z.number().int().min(0).default(60_000),
});
export type LlmRetryConfig = z.infer<typeof LlmRetryConfig>;

/** `agent.cache`: provider prompt caching (Anthropic `cache_control`). */
export const LlmCacheConfig = z.object({
  enabled: z.boolean().default(true),
  strategy: z.enum(['automatic', 'none']).default('automatic'),
});
export type LlmCacheConfig = z.infer<typeof LlmCacheConfig>;

/** `agent.compaction`: summarising old loop iterations with the summarization model. */
export const LlmCompactionConfig = z.object({
  enabled: z.boolean().default(true),
  /** Compact once the conversation holds more iterations than this. */
  threshold_iterations: positiveInt.default(8),
  /** ...or once the last request's input tokens exceed this. */
  max_context_tokens: positiveInt.default(80_000),
  /** Iterations kept verbatim after compaction. */
  keep_recent_iterations: z.number().int().min(0).default(3),
});
export type LlmCompactionConfig = z.infer<typeof LlmCompactionConfig>;

/** One role's model in `agent.models`. */
export const LlmModelRoleConfig = z.object({
  model: z.string().min(1),
  max_tokens: positiveInt.optional(),
});
export type LlmModelRoleConfig = z.infer<typeof LlmModelRoleConfig>;

/** `agent.models`: per-role overrides; missing roles take the provider's defaults. */
export const LlmModelsConfig = z.object({
  /** Cheap, fast: repository and ticket analysis. */
  scout: LlmModelRoleConfig.optional(),
  /** The coding loop. */
  primary: LlmModelRoleConfig.optional(),
  /** The structured plan. */
  planning: LlmModelRoleConfig.optional(),
  /** Hard reasoning (repair rounds). */
  reasoning: LlmModelRoleConfig.optional(),
  /** Context compaction. */
  summarization: LlmModelRoleConfig.optional(),
});
export type LlmModelsConfig = z.infer<typeof LlmModelsConfig>;

/** Prices of one model in US dollars per million tokens. */
export const LlmModelPricing = z.object({
  input_per_million: z.number().min(0),
  output_per_million: z.number().min(0),
  /** Defaults to the input price when absent. */
  cache_read_per_million: z.number().min(0).optional(),
});
export type LlmModelPricing = z.infer<typeof LlmModelPricing>;

/** `agent.pricing`: overrides and additions to the built-in price table, keyed by model id. */
export const LlmPricingConfig = z.object({
  models: z.record(z.string(), LlmModelPricing).default({}),
});
export type LlmPricingConfig = z.infer<typeof LlmPricingConfig>;

/**
 * `agent.budget`: what one job may spend on the LLM. The dispatcher's credential broker keeps the
 * job's ledger and refuses further calls once either cap is reached; absent keys take the
 * dispatcher's defaults (`AGENT_BUDGET_USD`, `AGENT_BUDGET_TOKENS`).
 */
export const LlmBudgetConfig = z.object({
  /** US dollars, at the prices of `agent.pricing` over the built-in table. */
  usd: z.number().positive().optional(),
  /** Input plus output tokens, cache reads included. */
  tokens: z.number().int().positive().optional(),
});
export type LlmBudgetConfig = z.infer<typeof LlmBudgetConfig>;

const Duration = z.string().refine(
  (text) => {
    try {
      return parseDuration(text) > 0;
    } catch {
      return false;
    }
  },
  { message: 'Use a duration such as 90s, 20m or 1h' },
);

/**
 * The `agent:` block of a project in agentsmith.yml: which LLM provider and models the agent uses,
 * retries, caching, compaction, prices and the loop's bounds. Every key is optional.
 */
export const AgentLlmConfig = z.object({
  /** claude|anthropic, openai, gemini|google, openai-compatible|ollama. */
  type: z.enum(LLM_PROVIDER_TYPES).default('claude'),
  /** Default model for every role without its own entry in `models`. */
  model: z.string().min(1).optional(),
  /** LLM endpoint (Ollama, proxies, gateways); `ANTHROPIC_BASE_URL`/`OPENAI_BASE_URL` override. */
  base_url: z.url().optional(),
  retry: LlmRetryConfig.prefault({}),
  cache: LlmCacheConfig.prefault({}),
  compaction: LlmCompactionConfig.prefault({}),
  models: LlmModelsConfig.prefault({}),
  pricing: LlmPricingConfig.prefault({}),
  budget: LlmBudgetConfig.prefault({}),
  /** Cap on model turns in one agentic run. */
  max_iterations: positiveInt.default(40),
  /** Wall-clock limit of one agentic run, e.g. `20m`. */
  max_duration: Duration.default('20m'),
});
export type AgentLlmConfig = z.infer<typeof AgentLlmConfig>;
