import { parseDuration } from '@agentsmith/kit';
import type { AgentLlmConfig } from '@agentsmith/providers';
import type { CompactionSettings } from './compaction.js';
import type { LlmRetryOptions } from './llm-retry.js';

/** The loop-related parts of the `agent:` block, in the shape the LLM functions take. */
export interface LoopSettings {
  maxIterations: number;
  /** `max_duration` in ms; the caller turns it into a deadline (`Date.now() + maxDurationMs`). */
  maxDurationMs: number;
  retry: LlmRetryOptions;
  cache: { enabled: boolean };
  compaction: CompactionSettings;
}

/** Converts the snake_case `agent:` block to {@link LoopSettings}. */
export function loopSettingsFromConfig(config: AgentLlmConfig): LoopSettings {
  return {
    maxIterations: config.max_iterations,
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
      thresholdIterations: config.compaction.threshold_iterations,
      maxContextTokens: config.compaction.max_context_tokens,
      keepRecentIterations: config.compaction.keep_recent_iterations,
    },
  };
}
