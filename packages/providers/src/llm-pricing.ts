import type { LlmModelPricing } from './config/agent-llm-config.js';

/**
 * Built-in list prices (US dollars per million tokens) of well-known models. The project's
 * `agent.pricing.models` table overrides and extends it; a model in neither is "cost unknown".
 */
export const BUILT_IN_PRICING: Readonly<Record<string, LlmModelPricing>> = {
  'claude-opus-4-5': { input_per_million: 5, output_per_million: 25, cache_read_per_million: 0.5 },
  'claude-opus-4-1': { input_per_million: 15, output_per_million: 75, cache_read_per_million: 1.5 },
  'claude-opus-4-0': { input_per_million: 15, output_per_million: 75, cache_read_per_million: 1.5 },
  'claude-sonnet-4-5': {
    input_per_million: 3,
    output_per_million: 15,
    cache_read_per_million: 0.3,
  },
  'claude-sonnet-4-0': {
    input_per_million: 3,
    output_per_million: 15,
    cache_read_per_million: 0.3,
  },
  'claude-haiku-4-5': { input_per_million: 1, output_per_million: 5, cache_read_per_million: 0.1 },
  'claude-3-5-haiku': {
    input_per_million: 0.8,
    output_per_million: 4,
    cache_read_per_million: 0.08,
  },
  'gpt-5': { input_per_million: 1.25, output_per_million: 10, cache_read_per_million: 0.125 },
  'gpt-5-mini': { input_per_million: 0.25, output_per_million: 2, cache_read_per_million: 0.025 },
  'gpt-5-nano': { input_per_million: 0.05, output_per_million: 0.4, cache_read_per_million: 0.005 },
  'gpt-4.1': { input_per_million: 2, output_per_million: 8, cache_read_per_million: 0.5 },
  'gpt-4.1-mini': { input_per_million: 0.4, output_per_million: 1.6, cache_read_per_million: 0.1 },
  'gpt-4o': { input_per_million: 2.5, output_per_million: 10, cache_read_per_million: 1.25 },
  'gpt-4o-mini': {
    input_per_million: 0.15,
    output_per_million: 0.6,
    cache_read_per_million: 0.075,
  },
  'gemini-2.5-pro': {
    input_per_million: 1.25,
    output_per_million: 10,
    cache_read_per_million: 0.125,
  },
  'gemini-2.5-flash': {
    input_per_million: 0.3,
    output_per_million: 2.5,
    cache_read_per_million: 0.03,
  },
};

/** Aliases with a date suffix (`claude-sonnet-4-5-20250929`, `gpt-4.1-2025-04-14`) share the base price. */
export function findPricing(
  modelId: string,
  table: Readonly<Record<string, LlmModelPricing>>,
): LlmModelPricing | undefined {
  const exact = table[modelId];
  if (exact) return exact;
  const base = modelId.replace(/-(\d{8}|\d{4}-\d{2}-\d{2})$/, '');
  return table[base];
}

/** Tokens of one model call, as the broker's ledger and the agent's usage tracker count them. */
export interface LlmTokenCounts {
  /** Input tokens not served from the cache (cache writes included). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

/** Cost in US dollars of `usage` on `modelId`, or undefined when the model has no price. */
export function llmCallCost(
  modelId: string,
  usage: LlmTokenCounts,
  table: Readonly<Record<string, LlmModelPricing>> = BUILT_IN_PRICING,
): number | undefined {
  const price = findPricing(modelId, table);
  if (!price) return undefined;
  const cacheRead = price.cache_read_per_million ?? price.input_per_million;
  return (
    (usage.inputTokens * price.input_per_million +
      usage.outputTokens * price.output_per_million +
      usage.cacheReadTokens * cacheRead) /
    1_000_000
  );
}
