import { parseDuration } from '@agentsmith/kit';
import type { AgentLlmConfig } from '@agentsmith/providers';
import type { CompactionSettings } from './compaction.js';
import { contextWindowOf } from './context-window.js';
import type { LlmRetryOptions } from './llm-retry.js';
import type { RoleModel } from './model-registry.js';

/** The loop-related parts of the `agent:` block, in the shape the LLM functions take. */
export interface LoopSettings {
  /** A safety net; cost and time are the real bounds. */
  maxIterations: number;
  /** The run's LLM budget in US dollars. */
  maxCostUsd: number;
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
): LoopSettings {
  return {
    maxIterations: config.max_iterations,
    maxCostUsd: config.max_cost_usd,
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
