import type { ModelMessage } from 'ai';

/**
 * Characters per token of code and English prose for current tokenizers; erring low makes the
 * estimate err high, which is the safe side for a context limit.
 */
const CHARACTERS_PER_TOKEN = 3.5;

/** A rough token count of any JSON-able value (text, messages, tool schemas). */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

/**
 * Estimates the next request's input tokens before it is sent. The fixed part (system prompt and
 * tool schemas) is counted once. When the provider reported the previous request's real size, the
 * estimate is at least that size plus the messages added since, so a tokenizer denser than the
 * character rule cannot hide growth.
 */
export class RequestSizeEstimator {
  private readonly fixedTokens: number;
  private reported: { tokens: number; messages: number } | undefined;

  constructor(fixedParts: unknown[]) {
    this.fixedTokens = fixedParts.reduce<number>((sum, part) => sum + estimateTokens(part), 0);
  }

  estimate(messages: readonly ModelMessage[]): number {
    const counted = this.fixedTokens + estimateTokens(messages);
    if (this.reported === undefined || this.reported.messages > messages.length) return counted;
    const added = estimateTokens(messages.slice(this.reported.messages));
    return Math.max(counted, this.reported.tokens + added);
  }

  /** Records the provider's count for a request of `messages` messages. */
  report(tokens: number, messages: number): void {
    if (tokens > 0) this.reported = { tokens, messages };
  }

  /** The conversation was rewritten (compaction): the last report no longer describes it. */
  forget(): void {
    this.reported = undefined;
  }
}
