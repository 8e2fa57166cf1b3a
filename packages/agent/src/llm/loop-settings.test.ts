import { AgentLlmConfig } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import { loopSettingsFromConfig } from './loop-settings.js';

describe('llm/loop-settings', () => {
  it('converts the agent block to loop settings', () => {
    const config = AgentLlmConfig.parse({
      max_iterations: 12,
      max_duration: '1h30m',
      retry: { max_retries: 1 },
      cache: { strategy: 'none' },
      compaction: { keep_recent_iterations: 5 },
    });

    expect(loopSettingsFromConfig(config)).toEqual({
      maxIterations: 12,
      maxDurationMs: 90 * 60_000,
      retry: { maxRetries: 1, initialDelayMs: 2000, backoffMultiplier: 2, maxDelayMs: 60_000 },
      cache: { enabled: false },
      compaction: {
        enabled: true,
        thresholdIterations: 8,
        maxContextTokens: 80_000,
        keepRecentIterations: 5,
      },
    });
  });
});
