/** A tool call the scripted model makes. */
export interface FakeToolCall {
  /** Tool name, e.g. `read_file`. */
  name: string;
  /** Arguments; sent as a JSON object (Anthropic, Gemini) or JSON text (OpenAI). */
  input?: unknown;
  /**
   * Raw argument text sent instead of `input`, e.g. malformed JSON. Anthropic non-streaming
   * answers and Gemini (whose `args` is always an object) cannot carry raw text, so there it is
   * sent as `{ "raw": <text> }`.
   */
  rawInput?: string;
  /** Call id; generated when absent. */
  id?: string;
}

/** Token counts the fake reports for one answer. */
export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
}

/** A successful model answer. */
export interface FakeLlmAnswer {
  text?: string;
  toolCalls?: FakeToolCall[];
  /**
   * A structured-output answer (the plan). Sent the way the request asked for it: as JSON text,
   * or as the forced `json` tool call when the SDK used a JSON-tool fallback (Anthropic, Gemini).
   */
  object?: unknown;
  usage?: FakeUsage;
  /** Delay before answering, ms. */
  delayMs?: number;
}

/** An HTTP error answer, e.g. `{ status: 429, headers: { 'retry-after': '1' } }`. */
export interface FakeLlmError {
  status: number;
  headers?: Record<string, string>;
  /** Response body; a provider-shaped error body when absent. */
  body?: unknown;
  delayMs?: number;
}

export type Protocol = 'anthropic' | 'openai' | 'gemini';

/** A tool result the agent sent back to the model. */
export interface FakeToolResult {
  toolCallId: string;
  /** The result text (Anthropic content blocks are joined; a Gemini JSON response is stringified). */
  content: string;
  /** Anthropic's `is_error` or Gemini's `response.error`; always false on OpenAI, which has no such flag. */
  isError: boolean;
}

/** An answer rendered once, before it is shaped for a wire protocol. */
export interface Rendered {
  text: string | undefined;
  calls: { id: string; name: string; args: string; input: unknown }[];
  usage: Required<FakeUsage>;
}

let counter = 0;

/** The next number for generated ids (`call_<n>`, `msg_<n>`...). */
export const nextId = (): number => (counter += 1);

/**
 * Shapes an answer's text, calls and usage. `jsonTool` names the forced tool the SDK uses for
 * structured output when it cannot ask for JSON text; the object then becomes that tool's call.
 */
export function render(answer: FakeLlmAnswer, jsonTool: string | undefined): Rendered {
  const calls = (answer.toolCalls ?? []).map((call) => {
    counter += 1;
    const args = call.rawInput ?? JSON.stringify(call.input ?? {});
    const input: unknown =
      call.rawInput === undefined ? (call.input ?? {}) : { raw: call.rawInput };
    return { id: call.id ?? `call_${counter}`, name: call.name, args, input };
  });
  let text = answer.text;
  if (answer.object !== undefined) {
    if (jsonTool !== undefined) {
      counter += 1;
      const args = JSON.stringify(answer.object);
      calls.push({ id: `call_${counter}`, name: jsonTool, args, input: answer.object });
    } else {
      text = JSON.stringify(answer.object);
    }
  }
  const usage = {
    inputTokens: answer.usage?.inputTokens ?? 100,
    outputTokens: answer.usage?.outputTokens ?? 20,
    cacheReadTokens: answer.usage?.cacheReadTokens ?? 0,
  };
  return { text, calls, usage };
}

/** One server-sent event. */
export const sse = (event: string | undefined, data: unknown): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** An Anthropic Messages API answer (JSON body or SSE chunks). */
export function anthropicAnswer(
  answer: FakeLlmAnswer,
  options: { stream: boolean; model: string; jsonTool: boolean },
): { body?: unknown; raw?: string[] } {
  const { text, calls, usage } = render(answer, options.jsonTool ? 'json' : undefined);
  const stopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  const usageBody = {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation_input_tokens: 0,
  };
  const blocks: Record<string, unknown>[] = [];
  if (text !== undefined) blocks.push({ type: 'text', text });
  for (const call of calls)
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.input });
  const id = `msg_${(counter += 1)}`;
  if (!options.stream) {
    return {
      body: {
        id,
        type: 'message',
        role: 'assistant',
        model: options.model,
        content: blocks,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: usageBody,
      },
    };
  }
  const raw = [
    sse('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usageBody, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (text !== undefined) {
    raw.push(
      sse('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      }),
    );
    raw.push(
      sse('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'text_delta', text },
      }),
    );
    raw.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  for (const call of calls) {
    const start = { type: 'tool_use', id: call.id, name: call.name, input: {} };
    raw.push(
      sse('content_block_start', { type: 'content_block_start', index, content_block: start }),
    );
    const delta = { type: 'input_json_delta', partial_json: call.args };
    raw.push(sse('content_block_delta', { type: 'content_block_delta', index, delta }));
    raw.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    index += 1;
  }
  raw.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.outputTokens },
    }),
  );
  raw.push(sse('message_stop', { type: 'message_stop' }));
  return { raw };
}

/** An OpenAI Chat Completions answer (JSON body or SSE chunks). */
export function openaiAnswer(
  answer: FakeLlmAnswer,
  options: { stream: boolean; model: string },
): { body?: unknown; raw?: string[] } {
  const { text, calls, usage } = render(answer, undefined);
  const finishReason = calls.length > 0 ? 'tool_calls' : 'stop';
  const usageBody = {
    prompt_tokens: usage.inputTokens + usage.cacheReadTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.cacheReadTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
  };
  const toolCalls = calls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.args },
  }));
  const id = `chatcmpl-${(counter += 1)}`;
  const created = Math.floor(Date.now() / 1000);
  if (!options.stream) {
    const message = {
      role: 'assistant',
      content: text ?? null,
      ...(calls.length > 0 && { tool_calls: toolCalls }),
    };
    return {
      body: {
        id,
        object: 'chat.completion',
        created,
        model: options.model,
        choices: [{ index: 0, message, finish_reason: finishReason }],
        usage: usageBody,
      },
    };
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sse(undefined, {
      id,
      object: 'chat.completion.chunk',
      created,
      model: options.model,
      choices,
      ...extra,
    });
  const raw = [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
  ];
  if (text !== undefined)
    raw.push(chunk([{ index: 0, delta: { content: text }, finish_reason: null }]));
  toolCalls.forEach((call, index) => {
    raw.push(
      chunk([{ index: 0, delta: { tool_calls: [{ index, ...call }] }, finish_reason: null }]),
    );
  });
  raw.push(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  raw.push(chunk([], { usage: usageBody }));
  raw.push(sse(undefined, '[DONE]'));
  return { raw };
}

/** The provider's error body for an HTTP status. */
export function errorBody(protocol: Protocol, status: number): unknown {
  const kind =
    status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : 'api_error';
  if (protocol === 'anthropic')
    return { type: 'error', error: { type: kind, message: `fake ${status}` } };
  if (protocol === 'gemini')
    return { error: { code: status, message: `fake ${status}`, status: rpcStatus(status) } };
  return { error: { message: `fake ${status}`, type: kind, param: null, code: null } };
}

/** The Google RPC status name Gemini sends with an HTTP status. */
function rpcStatus(status: number): string {
  if (status === 429) return 'RESOURCE_EXHAUSTED';
  if (status === 503) return 'UNAVAILABLE';
  if (status === 504) return 'DEADLINE_EXCEEDED';
  if (status === 400) return 'INVALID_ARGUMENT';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  return 'INTERNAL';
}
