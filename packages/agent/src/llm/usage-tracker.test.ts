import { describe, expect, it } from 'vitest';
import { UsageTracker } from './usage-tracker.js';

describe('llm/usage-tracker', () => {
  it('prices calls from the built-in table, per model and per step', () => {
    const tracker = new UsageTracker();

    tracker.record('claude-sonnet-4-5', 'plan', {
      inputTokens: 1_000_000,
      outputTokens: 0,
      cacheReadTokens: 0,
    });
    tracker.record('claude-sonnet-4-5-20250929', 'execute', {
      inputTokens: 0,
      outputTokens: 100_000,
      cacheReadTokens: 1_000_000,
    });
    tracker.record('claude-haiku-4-5', 'execute', {
      inputTokens: 1_000_000,
      outputTokens: 0,
      cacheReadTokens: 0,
    });

    expect(tracker.totals()).toEqual({
      inputTokens: 2_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 1_000_000,
      calls: 3,
      costUsd: 3 + 1.5 + 0.3 + 1,
    });
    expect(tracker.byStep()['plan']?.costUsd).toEqual(3);
    expect(tracker.byStep()['execute']?.costUsd).toBeCloseTo(2.8, 10);
    expect(Object.keys(tracker.byModel())).toEqual([
      'claude-sonnet-4-5',
      'claude-sonnet-4-5-20250929',
      'claude-haiku-4-5',
    ]);
  });

  it('makes the cost unknown, never $0, when a model is unpriced', () => {
    const tracker = new UsageTracker();

    tracker.record('claude-haiku-4-5', 'analyze', {
      inputTokens: 10,
      outputTokens: 10,
      cacheReadTokens: 0,
    });
    tracker.record('my-local-llama', 'execute', {
      inputTokens: 10,
      outputTokens: 10,
      cacheReadTokens: 0,
    });

    expect(tracker.totals().costUsd).toBeUndefined();
    expect(tracker.byStep()['analyze']?.costUsd).toBeGreaterThan(0);
    expect(tracker.byStep()['execute']?.costUsd).toBeUndefined();
    expect(tracker.formatCost()).toEqual('cost unknown');
  });

  it('lets the project pricing table price unknown models and override defaults', () => {
    const tracker = new UsageTracker({
      'my-local-llama': { input_per_million: 0, output_per_million: 0 },
      'gpt-5': { input_per_million: 2, output_per_million: 20, cache_read_per_million: 1 },
    });

    tracker.record('my-local-llama', 'execute', {
      inputTokens: 500,
      outputTokens: 500,
      cacheReadTokens: 0,
    });
    tracker.record('gpt-5', 'execute', {
      inputTokens: 1_000_000,
      outputTokens: 0,
      cacheReadTokens: 1_000_000,
    });

    expect(tracker.totals().costUsd).toEqual(3);
  });

  it('counts cache reads at the input price when the table has no cache price', () => {
    const tracker = new UsageTracker({ custom: { input_per_million: 4, output_per_million: 8 } });

    expect(
      tracker.costOf('custom', { inputTokens: 0, outputTokens: 0, cacheReadTokens: 1_000_000 }),
    ).toEqual(4);
  });
});
