import { describe, expect, it } from 'vitest';
import { AgentLlmConfig, canonicalLlmProvider } from './agent-llm-config.js';

describe('config/agent-llm-config', () => {
  it('fills every default from an empty block', () => {
    const config = AgentLlmConfig.parse({});

    expect(config).toEqual({
      type: 'claude',
      retry: {
        max_retries: 5,
        initial_delay_ms: 2000,
        backoff_multiplier: 2,
        max_delay_ms: 60_000,
      },
      cache: { enabled: true, strategy: 'automatic' },
      compaction: { enabled: true, trigger_ratio: 0.6, keep_recent_iterations: 5 },
      models: {},
      thinking: { enabled: true, budget_tokens: 8000, reasoning_effort: 'medium' },
      pricing: { models: {} },
      budget: {},
      max_iterations: 200,
      max_duration: '40m',
    });
  });

  it('parses a full agent block (docs/configuration.md)', () => {
    const config = AgentLlmConfig.parse({
      type: 'openai-compatible',
      model: 'qwen2.5-coder',
      base_url: 'http://localhost:11434/v1',
      retry: { max_retries: 2 },
      cache: { enabled: false },
      compaction: { threshold_iterations: 4 },
      models: { scout: { model: 'small', max_tokens: 1024 }, primary: { model: 'big' } },
      pricing: { models: { big: { input_per_million: 1, output_per_million: 2 } } },
      max_iterations: 10,
      max_duration: '5m',
    });

    expect(config.retry).toEqual({
      max_retries: 2,
      initial_delay_ms: 2000,
      backoff_multiplier: 2,
      max_delay_ms: 60_000,
    });
    expect(config.models.scout).toEqual({ model: 'small', max_tokens: 1024 });
    expect(config.pricing.models['big']).toEqual({ input_per_million: 1, output_per_million: 2 });
    expect(config.compaction).toEqual({
      enabled: true,
      trigger_ratio: 0.6,
      keep_recent_iterations: 5,
      threshold_iterations: 4,
    });
  });

  it('reports every problem with its path', () => {
    const result = AgentLlmConfig.safeParse({
      type: 'llama',
      base_url: 'not a url',
      max_duration: 'soon',
      retry: { max_retries: -1 },
    });

    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['base_url', 'max_duration', 'retry.max_retries', 'type']);
  });

  it.each([
    ['claude', 'anthropic'],
    ['anthropic', 'anthropic'],
    ['gemini', 'google'],
    ['google', 'google'],
    ['openai', 'openai'],
    ['ollama', 'openai-compatible'],
    ['openai-compatible', 'openai-compatible'],
  ] as const)('maps %s to the %s provider', (type, provider) => {
    expect(canonicalLlmProvider(type)).toEqual(provider);
  });
});
