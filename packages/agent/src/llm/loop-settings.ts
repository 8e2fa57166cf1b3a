import { parseDuration } from '@agentsmith/kit';
import { DEFAULT_JOB_BUDGET_USD, type AgentLlmConfig } from '@agentsmith/providers';
import type { CompactionSettings } from './compaction.js';
import { contextWindowOf } from './context-window.js';
import type { LlmRetryOptions } from './llm-retry.js';
import type { RoleModel } from './model-registry.js';

/** The loop-related parts of the `agent:` block, in the shape the LLM functions take. */
export interface LoopSettings {
  /** A safety net; cost and time are the real bounds. */
  maxIterations: number;
  /**
   * `agent.budget.usd` (default $20): where the loop stops itself when it calls the LLM directly
   * (CLI). Under the dispatcher the broker enforces the same budget (and its 80 % question), so
   * job mode passes none.
   */
  maxCostUsd: number | undefined;
  /** `max_duration` in ms; the caller turns it into a deadline (`Date.now() + maxDurationMs`). */
  maxDurationMs: number;
  retry: LlmRetryOptions;
  cache: { enabled: boolean };
  compaction: CompactionSettings;
}

/**
 * Converts the snake_case `agent:` block to {@link LoopSettings}; `loopModel` (the primary role's
 * model) decides the context window unless the block sets one.
 */
export function loopSettingsFromConfig(
  config: AgentLlmConfig,
  loopModel: Pick<RoleModel, 'modelId' | 'provider'>,
  options: { brokered?: boolean } = {},
): LoopSettings {
  return {
    maxIterations: config.max_iterations,
    maxCostUsd: options.brokered ? undefined : (config.budget.usd ?? DEFAULT_JOB_BUDGET_USD),
    maxDurationMs: parseDuration(config.max_duration),
    retry: {
      maxRetries: config.retry.max_retries,
      initialDelayMs: config.retry.initial_delay_ms,
      backoffMultiplier: config.retry.backoff_multiplier,
      maxDelayMs: config.retry.max_delay_ms,
    },
    cache: { enabled: config.cache.enabled && config.cache.strategy !== 'none' },
    compaction: {
      enabled: config.compaction.enabled,
      contextWindowTokens: contextWindowOf(
        loopModel.modelId,
        loopModel.provider,
        config.compaction.context_window,
      ),
      triggerRatio: config.compaction.trigger_ratio,
      triggerTokens: config.compaction.max_context_tokens,
      keepRecentIterations: config.compaction.keep_recent_iterations,
    },
  };
}
