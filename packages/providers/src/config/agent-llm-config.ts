import { z } from 'zod';
import { Duration } from './duration-schema.js';

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
const LlmRetryConfig = z.object({
  /** Retries after the first attempt. */
  max_retries: z.number().int().min(0).default(5),
  initial_delay_ms: z.number().int().min(0).default(2000),
  backoff_multiplier: z.number().min(1).default(2),
  /** Also caps a server's `Retry-After`. */
  max_delay_ms: z.number().int().min(0).default(60_000),
});
type LlmRetryConfig = z.infer<typeof LlmRetryConfig>;

/** `agent.cache`: provider prompt caching (Anthropic `cache_control`). */
const LlmCacheConfig = z.object({
  enabled: z.boolean().default(true),
  strategy: z.enum(['automatic', 'none']).default('automatic'),
});
type LlmCacheConfig = z.infer<typeof LlmCacheConfig>;

/**
 * `agent.compaction`: token-based context management of the coding loop. Past the trigger the loop
 * drops old tool outputs, then has its model summarise old turns; recent turns stay verbatim.
 */
export const LlmCompactionConfig = z.object({
  enabled: z.boolean().default(true),
  /** Compact when the estimated request exceeds this share of the model's context window. */
  trigger_ratio: z.number().gt(0).lt(1).default(0.6),
  /** Explicit trigger in tokens; wins over `trigger_ratio` when set. */
  max_context_tokens: positiveInt.optional(),
  /** The loop model's context window in tokens; known models and providers have defaults. */
  context_window: positiveInt.optional(),
  /** Iterations (a model turn and its tool results) always kept verbatim. */
  keep_recent_iterations: z.number().int().min(0).default(5),
  /** Deprecated and ignored: compaction is decided by tokens now (docs/agent.md). */
  threshold_iterations: positiveInt.optional(),
});
type LlmCompactionConfig = z.infer<typeof LlmCompactionConfig>;

/**
 * `agent.thinking`: extended thinking of the coding loop (primary and reasoning roles) where the
 * model has it: Anthropic's thinking budget, Gemini's thinking budget, OpenAI's reasoning effort.
 */
export const LlmThinkingConfig = z.object({
  enabled: z.boolean().default(true),
  /** Tokens the model may think per turn (Anthropic, Gemini); added to the role's max_tokens. */
  budget_tokens: z.number().int().min(1024).default(8000),
  /** OpenAI reasoning models (gpt-5, o-series). */
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).default('medium'),
});
export type LlmThinkingConfig = z.infer<typeof LlmThinkingConfig>;

/** One role's model in `agent.models`. */
const LlmModelRoleConfig = z.object({
  model: z.string().min(1),
  max_tokens: positiveInt.optional(),
});
type LlmModelRoleConfig = z.infer<typeof LlmModelRoleConfig>;

/** `agent.models`: per-role overrides; missing roles take the provider's defaults. */
export const LlmModelsConfig = z.object({
  /** Accepted for older files; unused since the loop explores the code itself. */
  scout: LlmModelRoleConfig.optional(),
  /** The coding loop (and its context summaries). */
  primary: LlmModelRoleConfig.optional(),
  /** Accepted for older files; unused since the loop plans itself. */
  planning: LlmModelRoleConfig.optional(),
  /** Repair rounds after the tests fail. */
  reasoning: LlmModelRoleConfig.optional(),
  /** Accepted for older files; summaries are written by the loop's own model. */
  summarization: LlmModelRoleConfig.optional(),
});
type LlmModelsConfig = z.infer<typeof LlmModelsConfig>;

/** Prices of one model in US dollars per million tokens. */
export const LlmModelPricing = z.object({
  input_per_million: z.number().min(0),
  output_per_million: z.number().min(0),
  /** Defaults to the input price when absent. */
  cache_read_per_million: z.number().min(0).optional(),
});
export type LlmModelPricing = z.infer<typeof LlmModelPricing>;

/** `agent.pricing`: overrides and additions to the built-in price table, keyed by model id. */
const LlmPricingConfig = z.object({
  models: z.record(z.string(), LlmModelPricing).default({}),
});
export type LlmPricingConfig = z.infer<typeof LlmPricingConfig>;

/** A job's dollar budget when neither its project nor the dispatcher (`AGENT_BUDGET_USD`) sets one. */
export const DEFAULT_JOB_BUDGET_USD = 20;

/**
 * `agent.budget`: what one job may spend on the LLM, the one budget setting. The dispatcher's
 * credential broker keeps the job's ledger: at 80 % of `usd` it pauses the job and asks the
 * requester to continue (by `step_usd` more) or stop; at the cap, on "stop", on the question's
 * timeout or at the project's `daily_usd` it refuses further calls, and the agent opens a draft pull
 * request with what it has. Absent keys take the dispatcher's defaults (`AGENT_BUDGET_USD`,
 * `AGENT_BUDGET_TOKENS`); a CLI run without the broker stops its loop at `usd`.
 */
export const LlmBudgetConfig = z.object({
  /** US dollars, at the prices of `agent.pricing` over the built-in table. */
  usd: z.number().positive().optional(),
  /** Input plus output tokens, cache reads included (a hard cap, without a question). */
  tokens: z.number().int().positive().optional(),
  /** What "Continue" on the 80 % question adds to the job's cap; default: the job's `usd` again. */
  step_usd: z.number().positive().optional(),
  /** All jobs of the project together per UTC day; new jobs are refused once it is reached. */
  daily_usd: z.number().positive().optional(),
});
export type LlmBudgetConfig = z.infer<typeof LlmBudgetConfig>;

/** The keys of the `agent:` block, before the deprecated name is folded in. */
const AgentLlmFields = z.object({
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
  thinking: LlmThinkingConfig.prefault({}),
  pricing: LlmPricingConfig.prefault({}),
  budget: LlmBudgetConfig.prefault({}),
  /** Cap on model turns in one agentic run (a safety net; cost and time are the real bounds). */
  max_iterations: positiveInt.default(200),
  /**
   * Deprecated: the older name of `budget.usd`, read only when `budget.usd` is absent (which wins
   * when both are set). It used to be a separate soft stop of the loop.
   */
  max_cost_usd: z
    .number()
    .positive()
    .optional()
    .meta({ deprecated: true, description: 'Deprecated: use agent.budget.usd.' }),
  /** Wall-clock limit of one agentic run, e.g. `40m`; keep it below the dispatcher's job deadline. */
  max_duration: Duration.default('40m'),
});

/**
 * The `agent:` block of a project in agentsmith.yml: which LLM provider and models the agent uses,
 * retries, caching, compaction, prices, the budget and the loop's bounds. Every key is optional.
 * The deprecated `max_cost_usd` becomes `budget.usd` when that is absent, so there is one budget.
 */
export const AgentLlmConfig = AgentLlmFields.transform((agent) =>
  agent.max_cost_usd !== undefined && agent.budget.usd === undefined
    ? { ...agent, budget: { ...agent.budget, usd: agent.max_cost_usd } }
    : agent,
);
export type AgentLlmConfig = z.infer<typeof AgentLlmConfig>;
