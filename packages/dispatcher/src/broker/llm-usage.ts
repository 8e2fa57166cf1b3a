import type { LlmTokenCounts } from '@agentsmith/providers';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;

/** Most responses are far smaller; a non-streamed body beyond this is not read for usage. */
const MAX_JSON_BODY = 16 * 1024 * 1024;

/**
 * Token counts in one JSON object of any supported wire format, normalised so input excludes
 * cache reads: Anthropic (`usage`, `message.usage` of `message_start`), OpenAI Chat Completions
 * and Responses (`usage`, `response.usage` of `response.completed`), Gemini (`usageMetadata`)
 * and Ollama's native API (`prompt_eval_count`/`eval_count`).
 */
export function usageOf(object: Json): LlmTokenCounts | undefined {
  const nested = [
    object['usage'],
    (object['message'] as Json | undefined)?.['usage'],
    (object['response'] as Json | undefined)?.['usage'],
  ];
  for (const usage of nested) {
    if (!isObject(usage)) continue;
    if ('prompt_tokens' in usage || 'completion_tokens' in usage) {
      const cached = count((usage['prompt_tokens_details'] as Json | undefined)?.['cached_tokens']);
      return {
        inputTokens: Math.max(0, count(usage['prompt_tokens']) - cached),
        outputTokens: count(usage['completion_tokens']),
        cacheReadTokens: cached,
      };
    }
    if ('input_tokens_details' in usage) {
      // OpenAI Responses: input_tokens includes the cached part.
      const cached = count((usage['input_tokens_details'] as Json | undefined)?.['cached_tokens']);
      return {
        inputTokens: Math.max(0, count(usage['input_tokens']) - cached),
        outputTokens: count(usage['output_tokens']),
        cacheReadTokens: cached,
      };
    }
    if ('input_tokens' in usage || 'output_tokens' in usage) {
      // Anthropic: input_tokens excludes cache reads; cache writes are billed as input.
      return {
        inputTokens: count(usage['input_tokens']) + count(usage['cache_creation_input_tokens']),
        outputTokens: count(usage['output_tokens']),
        cacheReadTokens: count(usage['cache_read_input_tokens']),
      };
    }
  }
  const gemini = object['usageMetadata'];
  if (isObject(gemini)) {
    const cached = count(gemini['cachedContentTokenCount']);
    return {
      inputTokens: Math.max(0, count(gemini['promptTokenCount']) - cached),
      outputTokens: count(gemini['candidatesTokenCount']) + count(gemini['thoughtsTokenCount']),
      cacheReadTokens: cached,
    };
  }
  if ('prompt_eval_count' in object || 'eval_count' in object) {
    return {
      inputTokens: count(object['prompt_eval_count']),
      outputTokens: count(object['eval_count']),
      cacheReadTokens: 0,
    };
  }
  return undefined;
}

/**
 * Reads usage from a response as it passes through, without holding it back: SSE (`data:` lines),
 * NDJSON (Ollama) or one JSON body. Streams report usage cumulatively and in parts (Anthropic's
 * input in `message_start`, output in `message_delta`), so each field keeps its largest value.
 */
export class UsageScanner {
  #mode: 'lines' | 'json';
  #pending = '';
  #body: string[] = [];
  #bodyLength = 0;
  readonly #decoder = new TextDecoder();
  #usage: LlmTokenCounts | undefined;

  constructor(contentType: string | undefined) {
    const type = (contentType ?? '').toLowerCase();
    this.#mode = type.includes('text/event-stream') || type.includes('ndjson') ? 'lines' : 'json';
  }

  push(chunk: Uint8Array): void {
    const text = this.#decoder.decode(chunk, { stream: true });
    if (this.#mode === 'json') {
      this.#bodyLength += text.length;
      if (this.#bodyLength <= MAX_JSON_BODY) this.#body.push(text);
      return;
    }
    const lines = (this.#pending + text).split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** The usage the whole response reported, or undefined when it reported none. */
  finish(): LlmTokenCounts | undefined {
    const rest = this.#decoder.decode();
    if (this.#mode === 'json') {
      if (this.#bodyLength <= MAX_JSON_BODY) this.#parse([...this.#body, rest].join(''));
    } else {
      this.#line(this.#pending + rest);
      this.#pending = '';
    }
    return this.#usage;
  }

  #line(raw: string): void {
    const line = raw.trim();
    const payload = line.startsWith('data:') ? line.slice(5).trim() : line;
    if (payload.startsWith('{')) this.#parse(payload);
  }

  #parse(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    // Gemini's non-streamed `streamGenerateContent` answers an array of chunks.
    for (const object of Array.isArray(parsed) ? parsed : [parsed]) {
      if (!isObject(object)) continue;
      const usage = usageOf(object);
      if (!usage) continue;
      const known = this.#usage;
      this.#usage = known
        ? {
            inputTokens: Math.max(known.inputTokens, usage.inputTokens),
            outputTokens: Math.max(known.outputTokens, usage.outputTokens),
            cacheReadTokens: Math.max(known.cacheReadTokens, usage.cacheReadTokens),
          }
        : usage;
    }
  }
}
