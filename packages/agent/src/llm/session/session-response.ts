import { APICallError } from 'ai';
import type { RecordedContent, RecordedUsage, SessionExchange } from './session-format.js';
import type { ModelGenerateResult, ModelStreamPart } from './session-request.js';

type Usage = ModelGenerateResult['usage'];
type FinishReason = ModelGenerateResult['finishReason'];
type ProviderMetadata = NonNullable<ModelGenerateResult['providerMetadata']>;

/** Collects a streamed answer part by part into the recording's content. */
export class StreamedResponse {
  readonly #content: RecordedContent[] = [];
  readonly #open = new Map<string, Extract<RecordedContent, { type: 'text' | 'reasoning' }>>();
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  error: unknown;

  add(part: ModelStreamPart): void {
    if (part.type === 'text-start' || part.type === 'reasoning-start') {
      const entry: Extract<RecordedContent, { type: 'text' | 'reasoning' }> =
        part.type === 'text-start' ? { type: 'text', text: '' } : { type: 'reasoning', text: '' };
      this.#open.set(`${entry.type}:${part.id}`, entry);
      this.#content.push(entry);
      this.#mergeMetadata(entry, part.providerMetadata);
    } else if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
      const entry = this.#open.get(
        `${part.type === 'text-delta' ? 'text' : 'reasoning'}:${part.id}`,
      );
      if (!entry) return;
      entry.text += part.delta;
      this.#mergeMetadata(entry, part.providerMetadata);
    } else if (part.type === 'text-end' || part.type === 'reasoning-end') {
      const key = `${part.type === 'text-end' ? 'text' : 'reasoning'}:${part.id}`;
      const entry = this.#open.get(key);
      if (entry) this.#mergeMetadata(entry, part.providerMetadata);
      this.#open.delete(key);
    } else if (part.type === 'tool-call') {
      this.#content.push({
        type: 'tool-call',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: part.input,
      });
    } else if (part.type === 'finish') {
      this.usage = part.usage;
      this.finishReason = part.finishReason;
    } else if (part.type === 'error') {
      this.error ??= part.error;
    }
    // Other parts (metadata, raw chunks, tool input deltas) carry nothing the replay needs.
  }

  get content(): RecordedContent[] {
    return this.#content;
  }

  #mergeMetadata(entry: RecordedContent, metadata: ProviderMetadata | undefined): void {
    if (entry.type !== 'reasoning' || metadata === undefined) return;
    const merged: Record<string, Record<string, unknown>> = { ...entry.providerMetadata };
    for (const [provider, values] of Object.entries(metadata)) {
      merged[provider] = { ...merged[provider], ...values };
    }
    entry.providerMetadata = merged;
  }
}

/** The parts of a non-streamed answer the recording keeps (text, reasoning, tool calls). */
export function recordedContentOf(content: ModelGenerateResult['content']): RecordedContent[] {
  const recorded: RecordedContent[] = [];
  for (const part of content) {
    if (part.type === 'text') recorded.push({ type: 'text', text: part.text });
    if (part.type === 'reasoning') {
      recorded.push({
        type: 'reasoning',
        text: part.text,
        ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
      });
    }
    if (part.type === 'tool-call') {
      recorded.push({
        type: 'tool-call',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: part.input,
      });
    }
  }
  return recorded;
}

export function recordedUsageOf(usage: Usage | undefined): RecordedUsage {
  if (!usage) return {};
  const recorded: RecordedUsage = {
    inputTokens: usage.inputTokens.total,
    noCacheTokens: usage.inputTokens.noCache,
    cacheReadTokens: usage.inputTokens.cacheRead,
    cacheWriteTokens: usage.inputTokens.cacheWrite,
    outputTokens: usage.outputTokens.total,
    reasoningTokens: usage.outputTokens.reasoning,
  };
  return Object.fromEntries(Object.entries(recorded).filter(([, value]) => value !== undefined));
}

/** The error a recorded call ended with, as the recording keeps it (never headers). */
export function recordedErrorOf(error: unknown): NonNullable<SessionExchange['error']> {
  if (APICallError.isInstance(error)) {
    return {
      name: error.name,
      message: error.message,
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      ...(error.responseBody !== undefined
        ? { responseBody: error.responseBody.slice(0, 4000) }
        : {}),
      isRetryable: error.isRetryable,
    };
  }
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

/** Rebuilds a recorded error so the retry layer judges it as it judged the original. */
export function replayedError(error: NonNullable<SessionExchange['error']>): Error {
  if (error.name === 'AI_APICallError' || error.statusCode !== undefined) {
    return new APICallError({
      message: error.message,
      url: 'replay://recorded-session',
      requestBodyValues: {},
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      ...(error.responseBody !== undefined ? { responseBody: error.responseBody } : {}),
      ...(error.isRetryable !== undefined ? { isRetryable: error.isRetryable } : {}),
    });
  }
  const replayed = new Error(error.message);
  replayed.name = error.name;
  return replayed;
}

const FINISH_REASONS = new Set<FinishReason['unified']>([
  'stop',
  'length',
  'content-filter',
  'tool-calls',
  'error',
  'interrupted',
  'other',
]);

function finishReasonOf(recorded: string): FinishReason {
  const unified = FINISH_REASONS.has(recorded as FinishReason['unified'])
    ? (recorded as FinishReason['unified'])
    : 'other';
  return { unified, raw: undefined };
}

function usageOf(recorded: RecordedUsage): Usage {
  return {
    inputTokens: {
      total: recorded.inputTokens,
      noCache: recorded.noCacheTokens,
      cacheRead: recorded.cacheReadTokens,
      cacheWrite: recorded.cacheWriteTokens,
    },
    outputTokens: {
      total: recorded.outputTokens,
      text: undefined,
      reasoning: recorded.reasoningTokens,
    },
  };
}

type RecordedResponse = NonNullable<SessionExchange['response']>;

/** A recorded answer as the provider interface returns it from a non-streamed call. */
export function generateResultOf(response: RecordedResponse): ModelGenerateResult {
  return {
    content: response.content.map((part) =>
      part.type === 'reasoning'
        ? {
            type: 'reasoning',
            text: part.text,
            ...(part.providerMetadata
              ? { providerMetadata: part.providerMetadata as ProviderMetadata }
              : {}),
          }
        : part,
    ),
    finishReason: finishReasonOf(response.finishReason),
    usage: usageOf(response.usage),
    warnings: [],
  };
}

/** A recorded answer as the stream parts a provider would send. */
export function streamPartsOf(response: RecordedResponse): ModelStreamPart[] {
  const parts: ModelStreamPart[] = [{ type: 'stream-start', warnings: [] }];
  response.content.forEach((part, index) => {
    const id = String(index);
    if (part.type === 'tool-call') {
      parts.push(part);
      return;
    }
    const metadata =
      part.type === 'reasoning' && part.providerMetadata
        ? { providerMetadata: part.providerMetadata as ProviderMetadata }
        : {};
    if (part.type === 'text') {
      parts.push({ type: 'text-start', id }, { type: 'text-delta', id, delta: part.text });
      parts.push({ type: 'text-end', id });
    } else {
      parts.push({ type: 'reasoning-start', id, ...metadata });
      parts.push({ type: 'reasoning-delta', id, delta: part.text });
      parts.push({ type: 'reasoning-end', id, ...metadata });
    }
  });
  parts.push({
    type: 'finish',
    usage: usageOf(response.usage),
    finishReason: finishReasonOf(response.finishReason),
  });
  return parts;
}
