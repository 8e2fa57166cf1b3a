import {
  generateText,
  streamText,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  type SystemModelMessage,
  type ToolSet,
} from 'ai';
import type { CallProviderOptions } from './model-registry.js';
import { DEFAULT_LLM_REQUEST_TIMEOUT_MS, withRequestTimeout } from './request-timeout.js';
import type { TokenUsage } from './usage-tracker.js';

/** One request to a model, with tools the caller executes itself. */
export interface ModelCallRequest {
  model: LanguageModel;
  instructions: string | SystemModelMessage;
  messages: ModelMessage[];
  tools?: ToolSet;
  maxOutputTokens: number;
  /** Streaming (SSE) or a single JSON response. */
  stream: boolean;
  signal: AbortSignal;
  /** Limit for this one request; past it, a retryable `llm_unavailable` error. Default 10 min. */
  timeoutMs?: number;
  /** Provider settings of the call, e.g. extended thinking. */
  providerOptions?: CallProviderOptions | undefined;
  /** Called when the first part of the answer arrives (the whole answer when not streaming). */
  onFirstToken?: (() => void) | undefined;
}

/** A tool call as the model made it; `invalidReason` is set when its arguments did not parse. */
export interface ModelToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
  invalidReason?: string;
}

/** The model's answer. */
export interface ModelCallResult {
  text: string;
  toolCalls: ModelToolCall[];
  /** The assistant message(s) to append to the conversation (tool results excluded). */
  assistantMessages: ModelMessage[];
  usage: TokenUsage;
  /** Input tokens of the whole request (cached included), for compaction decisions. */
  promptTokens: number;
}

/**
 * Sends one request. The SDK's retries are off (`maxRetries: 0`): retrying is the caller's one
 * layer. Stream errors are rethrown so that layer sees them like non-streaming ones.
 */
export function callModel(request: ModelCallRequest): Promise<ModelCallResult> {
  return withRequestTimeout(
    request.signal,
    request.timeoutMs ?? DEFAULT_LLM_REQUEST_TIMEOUT_MS,
    (signal) => send({ ...request, signal }),
  );
}

async function send(request: ModelCallRequest): Promise<ModelCallResult> {
  const common = {
    model: request.model,
    instructions: request.instructions,
    messages: request.messages,
    tools: request.tools,
    maxOutputTokens: request.maxOutputTokens,
    abortSignal: request.signal,
    maxRetries: 0,
    ...(request.providerOptions ? { providerOptions: request.providerOptions } : {}),
  };
  if (!request.stream) {
    const result = await generateText(common);
    request.onFirstToken?.();
    return toResult(result.content, result.response.messages, result.usage);
  }
  let streamError: unknown;
  const result = streamText({
    ...common,
    onError: ({ error }) => {
      streamError ??= error;
    },
  });
  let first = true;
  for await (const part of result.fullStream) {
    if (part.type === 'error') streamError ??= part.error;
    else if (first && part.type !== 'start' && part.type !== 'start-step') {
      first = false;
      request.onFirstToken?.();
    }
  }
  if (streamError !== undefined) {
    throw streamError instanceof Error ? streamError : new Error(JSON.stringify(streamError));
  }
  request.signal.throwIfAborted();
  const [content, response, usage] = await Promise.all([
    result.content,
    result.response,
    result.usage,
  ]);
  return toResult(content, response.messages, usage);
}

type ContentPart = Awaited<ReturnType<typeof generateText>>['content'][number];

function toResult(
  content: ContentPart[],
  messages: ModelMessage[],
  usage: LanguageModelUsage,
): ModelCallResult {
  const errors = new Map<string, string>();
  for (const part of content) {
    if (part.type === 'tool-error') errors.set(part.toolCallId, String(part.error));
  }
  const toolCalls: ModelToolCall[] = [];
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    if (part.type !== 'tool-call') continue;
    const call: ModelToolCall = {
      toolCallId: part.toolCallId,
      toolName: part.toolName,
      input: part.input,
    };
    if (part.invalid === true)
      call.invalidReason = errors.get(part.toolCallId) ?? describe(part.error);
    toolCalls.push(call);
  }
  return {
    text,
    toolCalls,
    assistantMessages: messages.filter((message) => message.role !== 'tool'),
    usage: tokenUsage(usage),
    promptTokens: usage.inputTokens ?? 0,
  };
}

/** The SDK's usage as the tracker counts it (uncached input, output, cache reads). */
export function tokenUsage(usage: LanguageModelUsage): TokenUsage {
  const cacheRead = usage.inputTokenDetails.cacheReadTokens ?? 0;
  const input =
    usage.inputTokenDetails.noCacheTokens ?? Math.max(0, (usage.inputTokens ?? 0) - cacheRead);
  return {
    inputTokens: input,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens: cacheRead,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
