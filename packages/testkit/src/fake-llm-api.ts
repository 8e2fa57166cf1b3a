/**
 * A scripted LLM server speaking the real wire protocols the Vercel AI SDK uses:
 * the Anthropic Messages API (`POST /v1/messages`), the OpenAI Responses API (`POST /v1/responses`,
 * recorded with protocol `openai`), the OpenAI Chat Completions API
 * (`POST /v1/chat/completions`, also what `@ai-sdk/openai-compatible` and Ollama use) and the
 * Gemini API (`POST /v1beta/models/<model>:generateContent` / `:streamGenerateContent?alt=sse`),
 * each streaming (SSE) or not, as the request asks.
 * Turns are consumed in order whichever endpoint asks; every request is recorded.
 *
 * @example
 * ```ts
 * const llm = await FakeLlmApi.start();
 * llm.script(
 *   { toolCalls: [{ name: 'read_file', input: { path: 'README.md' } }] },
 *   { status: 429, headers: { 'retry-after': '1' } },
 *   (request) => ({ text: `saw ${request.toolResults.length} result(s)` }),
 *   { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
 * );
 * // point the SDK (or the agent's ANTHROPIC_BASE_URL / OPENAI_BASE_URL) at llm.baseUrl,
 * // a Gemini `base_url` at llm.geminiBaseUrl
 * // ...run...
 * expect(llm.requests[1]?.toolResults[0]?.content).toContain('# Readme');
 * expect(llm.requests[0]?.toolNames).toContain('edit_file');
 * llm.assertDone(); // every turn consumed, no unexpected request
 * await llm.stop();
 * ```
 */
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';
import { decodeGeminiRequest, geminiAnswer } from './fake-llm-gemini.js';
import { decodeResponsesRequest, responsesAnswer } from './fake-llm-responses.js';
import {
  anthropicAnswer,
  errorBody,
  openaiAnswer,
  type FakeLlmAnswer,
  type FakeLlmError,
  type FakeToolResult,
  type Protocol,
} from './fake-llm-wire.js';

export type {
  FakeLlmAnswer,
  FakeLlmError,
  FakeToolResult,
  Protocol as FakeLlmProtocol,
} from './fake-llm-wire.js';

/** A request the fake model received, decoded for assertions. */
export interface FakeLlmRequest {
  protocol: Protocol;
  stream: boolean;
  model: string;
  /** Names of the tools offered to the model. */
  toolNames: string[];
  /** Tool definitions as sent (provider shape). */
  tools: Record<string, unknown>[];
  /** Every tool result in the conversation, oldest first. */
  toolResults: FakeToolResult[];
  /** The system prompt text. */
  system: string;
  /** Text of the last user message (tool results excluded). */
  lastUserText: string;
  /**
   * True when the SDK asked for structured output (JSON schema format, Gemini's JSON response
   * MIME type, or the forced `json` tool).
   */
  structured: boolean;
  /** The decoded JSON body. */
  body: Record<string, unknown>;
  /** The raw recorded HTTP request (headers etc.). */
  http: RecordedRequest;
}

/** One scripted turn: an answer, an HTTP error, or a function of the request returning either. */
export type FakeLlmTurn =
  FakeLlmAnswer | FakeLlmError | ((request: FakeLlmRequest) => FakeLlmAnswer | FakeLlmError);

/** See the module documentation. */
export class FakeLlmApi {
  readonly server = new FakeServer('llm');
  readonly requests: FakeLlmRequest[] = [];
  readonly #turns: FakeLlmTurn[] = [];

  /** Starts a fake on a free port with every endpoint. */
  static async start(): Promise<FakeLlmApi> {
    const api = new FakeLlmApi();
    api.server.on('POST', '/v1/messages', (request) => api.#answer('anthropic', request));
    api.server.on('POST', '/v1/chat/completions', (request) => api.#answer('openai', request));
    api.server.on('POST', '/v1/responses', (request) => api.#answer('openai', request));
    // Gemini's path is `models/<model>:<method>`; `v1` too, so that `baseUrl` serves every provider.
    for (const version of ['v1beta', 'v1']) {
      api.server.on('POST', `/${version}/models/:call`, (request) =>
        api.#answer('gemini', request),
      );
    }
    // The models lists: the cheapest authenticated call of each provider (`doctor` uses them).
    for (const path of ['/v1/models', '/v1beta/models']) {
      api.server.on('GET', path, (request) => api.#models(request));
    }
    await api.server.start();
    return api;
  }

  /**
   * When set, the models lists answer 401 to any other key (`x-api-key`, `x-goog-api-key` or
   * `Authorization: Bearer`), as the providers do; unset, any key or none is accepted.
   */
  acceptedKey: string | undefined;

  #models(request: RecordedRequest): FakeResponse {
    const headers = request.headers;
    const key =
      (headers['x-api-key'] as string | undefined) ??
      (headers['x-goog-api-key'] as string | undefined) ??
      headers.authorization?.replace(/^Bearer\s+/i, '');
    const gemini = request.path.startsWith('/v1beta/');
    if (this.acceptedKey !== undefined && key !== this.acceptedKey) {
      return {
        status: 401,
        body: gemini
          ? { error: { code: 401, message: 'API key not valid.', status: 'UNAUTHENTICATED' } }
          : {
              type: 'error',
              error: { type: 'authentication_error', message: 'invalid x-api-key' },
            },
      };
    }
    if (gemini) return { body: { models: [{ name: 'models/gemini-2.5-pro' }] } };
    if (headers['x-api-key'] !== undefined) {
      return { body: { data: [{ id: 'claude-sonnet-4-5', type: 'model' }], has_more: false } };
    }
    return { body: { object: 'list', data: [{ id: 'gpt-5', object: 'model' }] } };
  }

  /**
   * `http://127.0.0.1:<port>/v1`: the base URL for the Anthropic, OpenAI and OpenAI-compatible
   * providers (the Gemini endpoints answer under it as well).
   */
  get baseUrl(): string {
    return `${this.server.url}/v1`;
  }

  /** `http://127.0.0.1:<port>/v1beta`: the Gemini API base URL, as `@ai-sdk/google` defaults to. */
  get geminiBaseUrl(): string {
    return `${this.server.url}/v1beta`;
  }

  /** Appends turns to the script. */
  script(...turns: FakeLlmTurn[]): this {
    this.#turns.push(...turns);
    return this;
  }

  /** Drops the turns not consumed yet (a job that died left its session's rest behind). */
  clearScript(): this {
    this.#turns.length = 0;
    return this;
  }

  /** Turns not consumed yet. */
  get remainingTurns(): number {
    return this.#turns.length;
  }

  /** Tool results sent with request `index` (default: the last request). */
  toolResults(index = this.requests.length - 1): FakeToolResult[] {
    return this.requests[index]?.toolResults ?? [];
  }

  /** Names of the tools sent with request `index` (default: the first request). */
  toolNames(index = 0): string[] {
    return this.requests[index]?.toolNames ?? [];
  }

  /** Throws when a turn was left unconsumed or a request came that the script did not expect. */
  assertDone(): void {
    if (this.#turns.length > 0) {
      this.server.unexpected.push(`${this.#turns.length} scripted LLM turn(s) never requested`);
    }
    this.server.assertDone();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  #answer(protocol: Protocol, http: RecordedRequest) {
    const request = decodeRequest(protocol, http);
    if (request === undefined) {
      this.server.unexpected.push(`${http.method} ${http.path} is not a generateContent call`);
      return { status: 404, body: errorBody(protocol, 404) };
    }
    this.requests.push(request);
    const next = this.#turns.shift();
    if (next === undefined) {
      this.server.unexpected.push(`LLM request #${this.requests.length} after the script ended`);
      return { status: 500, body: errorBody(protocol, 500) };
    }
    const turn = typeof next === 'function' ? next(request) : next;
    if ('status' in turn) {
      return {
        status: turn.status,
        headers: turn.headers,
        body: turn.body ?? errorBody(protocol, turn.status),
        delayMs: turn.delayMs,
      };
    }
    const options = { stream: request.stream, model: request.model };
    const wire = http.path.endsWith('/responses')
      ? responsesAnswer(turn, options)
      : protocol === 'anthropic'
        ? anthropicAnswer(turn, { ...options, jsonTool: forcesJsonTool(request.body) })
        : protocol === 'gemini'
          ? geminiAnswer(turn, { ...options, jsonTool: request.jsonTool })
          : openaiAnswer(turn, options);
    const headers: Record<string, string> = request.stream
      ? { 'content-type': 'text/event-stream' }
      : {};
    return { status: 200, headers, ...wire, delayMs: turn.delayMs };
  }
}

type Json = Record<string, unknown>;
/** A decoded request plus what only the answer needs. */
type DecodedRequest = FakeLlmRequest & { jsonTool?: string | undefined };
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : asArray(value)
        .map((block) => (typeof block['text'] === 'string' ? block['text'] : ''))
        .join('\n');

/** The SDK's JSON-tool fallback for structured output on Anthropic models without native support. */
function forcesJsonTool(body: Json): boolean {
  const choice = body['tool_choice'] as Json | undefined;
  if (choice?.['type'] === 'tool') return choice['name'] === 'json';
  const tools = asArray(body['tools']);
  return choice?.['type'] === 'any' && tools.length === 1 && tools[0]?.['name'] === 'json';
}

function decodeRequest(protocol: Protocol, http: RecordedRequest): DecodedRequest | undefined {
  const body = (http.json ?? {}) as Json;
  if (protocol === 'gemini') {
    const fields = decodeGeminiRequest(http.params['call'] ?? '', body);
    return fields && { protocol, ...fields, body, http };
  }
  if (http.path.endsWith('/responses')) {
    return { protocol, ...decodeResponsesRequest(body), body, http };
  }
  const messages = asArray(body['messages']);
  const tools = asArray(body['tools']);
  const toolResults: FakeToolResult[] = [];
  let lastUserText = '';
  let system = '';
  if (protocol === 'anthropic') {
    system = asText(body['system']);
    for (const message of messages.filter((m) => m['role'] === 'user')) {
      const blocks =
        typeof message['content'] === 'string'
          ? [{ type: 'text', text: message['content'] }]
          : asArray(message['content']);
      const texts = blocks.filter((block) => block['type'] === 'text');
      if (texts.length > 0) lastUserText = asText(texts);
      for (const block of blocks.filter((b) => b['type'] === 'tool_result')) {
        toolResults.push({
          toolCallId: String(block['tool_use_id']),
          content: asText(block['content']),
          isError: block['is_error'] === true,
        });
      }
    }
  } else {
    for (const message of messages) {
      if (message['role'] === 'system' || message['role'] === 'developer')
        system = asText(message['content']);
      if (message['role'] === 'user') lastUserText = asText(message['content']);
      if (message['role'] === 'tool') {
        toolResults.push({
          toolCallId: String(message['tool_call_id']),
          content: asText(message['content']),
          isError: false,
        });
      }
    }
  }
  const toolNames = tools.map((tool) =>
    String(
      protocol === 'anthropic' ? tool['name'] : (tool['function'] as Json | undefined)?.['name'],
    ),
  );
  const structured =
    body['response_format'] !== undefined ||
    (body['output_config'] as Json | undefined)?.['format'] !== undefined ||
    forcesJsonTool(body);
  return {
    protocol,
    stream: body['stream'] === true,
    model: typeof body['model'] === 'string' ? body['model'] : 'unknown',
    toolNames,
    tools,
    toolResults,
    system,
    lastUserText,
    structured,
    body,
    http,
  };
}
