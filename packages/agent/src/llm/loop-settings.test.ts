import { AgentLlmConfig } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import { contextWindowOf } from './context-window.js';
import { loopSettingsFromConfig } from './loop-settings.js';

describe('llm/loop-settings', () => {
  it('converts the agent block to loop settings', () => {
    const config = AgentLlmConfig.parse({
      max_iterations: 12,
      max_duration: '1h30m',
      budget: { usd: 1.5 },
      retry: { max_retries: 1 },
      cache: { strategy: 'none' },
      compaction: { keep_recent_iterations: 4, threshold_iterations: 8 },
    });

    expect(
      loopSettingsFromConfig(config, { modelId: 'claude-sonnet-4-5', provider: 'anthropic' }),
    ).toEqual({
      maxIterations: 12,
      maxCostUsd: 1.5,
      maxDurationMs: 90 * 60_000,
      retry: { maxRetries: 1, initialDelayMs: 2000, backoffMultiplier: 2, maxDelayMs: 60_000 },
      cache: { enabled: false },
      compaction: {
        enabled: true,
        contextWindowTokens: 200_000,
        triggerRatio: 0.6,
        triggerTokens: undefined,
        keepRecentIterations: 4,
      },
    });
  });

  it('has one budget: agent.budget.usd, the deprecated max_cost_usd only when it is absent', () => {
    const model = { modelId: 'claude-sonnet-4-5', provider: 'anthropic' } as const;
    const both = AgentLlmConfig.parse({ max_cost_usd: 1.5, budget: { usd: 7 } });
    expect(both.budget.usd).toBe(7);
    expect(loopSettingsFromConfig(both, model).maxCostUsd).toBe(7);
    expect(loopSettingsFromConfig(AgentLlmConfig.parse({}), model).maxCostUsd).toBe(20);
    // Under the dispatcher the broker holds the budget (and may raise it after "Continue").
    expect(loopSettingsFromConfig(both, model, { brokered: true }).maxCostUsd).toBeUndefined();
  });

  it('takes a configured window and trigger over the model defaults', () => {
    const config = AgentLlmConfig.parse({
      compaction: { context_window: 16_000, max_context_tokens: 9000 },
    });
    const settings = loopSettingsFromConfig(config, { modelId: 'gpt-4o', provider: 'openai' });
    expect(settings.compaction).toMatchObject({ contextWindowTokens: 16_000, triggerTokens: 9000 });
  });

  it.each([
    ['claude-sonnet-4-5-20250929', 'anthropic', 200_000],
    ['gpt-5', 'openai', 272_000],
    ['gemini-2.5-pro', 'google', 1_048_576],
    ['qwen2.5-coder', 'openai-compatible', 32_000],
    ['some-new-model', 'anthropic', 200_000],
  ] as const)('knows the window of %s', (modelId, provider, window) => {
    expect(contextWindowOf(modelId, provider)).toEqual(window);
  });
});
