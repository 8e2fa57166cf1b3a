import { BUILT_IN_PRICING, llmCallCost, type LlmModelPricing } from '@agentsmith/providers';
import { formatCost } from '@agentsmith/contracts';

/** Tokens of one or more model calls. */
export interface TokenUsage {
  /** Input tokens not served from the cache (cache writes included). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

/** Usage and cost of a group of calls; `costUsd` is undefined when any call's model is unpriced. */
export interface UsageTotals extends TokenUsage {
  calls: number;
  costUsd: number | undefined;
}

/** One recorded model call. */
export interface UsageRecord extends TokenUsage {
  modelId: string;
  /** Pipeline step (or loop phase) that made the call. */
  step: string;
  costUsd: number | undefined;
}

const empty = (): UsageTotals => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  calls: 0,
  costUsd: 0,
});

/**
 * Adds up tokens and cost per model and per step. Prices come from the project's pricing table
 * over the built-in defaults. A call to an unpriced model makes every total it is part of
 * "cost unknown" (undefined), never $0.
 */
export class UsageTracker {
  readonly records: UsageRecord[] = [];
  private readonly pricing: Readonly<Record<string, LlmModelPricing>>;

  constructor(pricing: Readonly<Record<string, LlmModelPricing>> = {}) {
    this.pricing = { ...BUILT_IN_PRICING, ...pricing };
  }

  /** Cost in US dollars of `usage` on `modelId`, or undefined when the model has no price. */
  costOf(modelId: string, usage: TokenUsage): number | undefined {
    return llmCallCost(modelId, usage, this.pricing);
  }

  record(modelId: string, step: string, usage: TokenUsage): UsageRecord {
    const entry: UsageRecord = { modelId, step, ...usage, costUsd: this.costOf(modelId, usage) };
    this.records.push(entry);
    return entry;
  }

  totals(): UsageTotals {
    return this.records.reduce(add, empty());
  }

  byModel(): Record<string, UsageTotals> {
    return this.group((record) => record.modelId);
  }

  byStep(): Record<string, UsageTotals> {
    return this.group((record) => record.step);
  }

  /** `$0.0123`, or `cost unknown` when any model was unpriced. */
  formatCost(): string {
    return formatCost(this.totals().costUsd);
  }

  private group(key: (record: UsageRecord) => string): Record<string, UsageTotals> {
    const groups: Record<string, UsageTotals> = {};
    for (const record of this.records)
      groups[key(record)] = add(groups[key(record)] ?? empty(), record);
    return groups;
  }
}

/** Formats a cost for people: `$0.0123`, or `cost unknown`. */

function add(total: UsageTotals, record: UsageRecord): UsageTotals {
  return {
    inputTokens: total.inputTokens + record.inputTokens,
    outputTokens: total.outputTokens + record.outputTokens,
    cacheReadTokens: total.cacheReadTokens + record.cacheReadTokens,
    calls: total.calls + 1,
    costUsd:
      total.costUsd === undefined || record.costUsd === undefined
        ? undefined
        : total.costUsd + record.costUsd,
  };
}
