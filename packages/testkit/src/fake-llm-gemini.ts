/**
 * The Gemini API side of the scripted LLM server: `POST /v1beta/models/<model>:generateContent`
 * (one JSON answer) and `:streamGenerateContent?alt=sse` (SSE chunks), as `@ai-sdk/google` calls
 * them. Function calls are `functionCall` parts, tool results come back as `functionResponse`
 * parts, and structured output is asked for with `generationConfig.responseMimeType`
 * (`application/json`) or, next to function tools, with a forced `json` function.
 */
import {
  nextId,
  render,
  sse,
  type FakeLlmAnswer,
  type FakeToolResult,
  type Rendered,
} from './fake-llm-wire.js';

type Json = Record<string, unknown>;
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const asObject = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const textOf = (parts: Json[]): string =>
  parts
    .map((part) => part['text'])
    .filter((text): text is string => typeof text === 'string')
    .join('\n');

/** What a Gemini request says, in the fields every protocol shares. */
export interface GeminiRequestFields {
  stream: boolean;
  model: string;
  toolNames: string[];
  tools: Json[];
  toolResults: FakeToolResult[];
  system: string;
  lastUserText: string;
  structured: boolean;
  /** Name of the forced JSON-response function, when the SDK used that fallback. */
  jsonTool: string | undefined;
}

/**
 * Decodes a generateContent request. `call` is the last path segment, `<model>:<method>`;
 * undefined is returned for a method other than (stream)generateContent.
 */
export function decodeGeminiRequest(call: string, body: Json): GeminiRequestFields | undefined {
  const separator = call.lastIndexOf(':');
  const method = call.slice(separator + 1);
  if (separator < 0 || (method !== 'generateContent' && method !== 'streamGenerateContent')) {
    return undefined;
  }
  const tools = asArray(body['tools']).flatMap((tool) => asArray(tool['functionDeclarations']));
  const toolNames = tools.map((tool) => String(tool['name']));
  const toolResults: FakeToolResult[] = [];
  let lastUserText = '';
  for (const content of asArray(body['contents']).filter((c) => c['role'] === 'user')) {
    const parts = asArray(content['parts']);
    if (parts.some((part) => typeof part['text'] === 'string')) lastUserText = textOf(parts);
    for (const part of parts) {
      const functionResponse = asObject(part['functionResponse']);
      if (part['functionResponse'] === undefined) continue;
      const response = asObject(functionResponse['response']);
      const isError = response['error'] !== undefined;
      const value = isError ? response['error'] : response['content'];
      toolResults.push({
        toolCallId: String(functionResponse['id'] ?? functionResponse['name']),
        content: typeof value === 'string' ? value : JSON.stringify(value ?? null),
        isError,
      });
    }
  }
  const generationConfig = asObject(body['generationConfig']);
  const jsonTool = forcedJsonTool(body, toolNames);
  return {
    stream: method === 'streamGenerateContent',
    model: call.slice(0, separator),
    toolNames,
    tools,
    toolResults,
    system: textOf(asArray(asObject(body['systemInstruction'])['parts'])),
    lastUserText,
    structured:
      generationConfig['responseMimeType'] === 'application/json' || jsonTool !== undefined,
    jsonTool,
  };
}

/** The SDK's JSON-response function: forced (`ANY`) and named `json` or `json_<n>`. */
function forcedJsonTool(body: Json, toolNames: string[]): string | undefined {
  const config = asObject(asObject(body['toolConfig'])['functionCallingConfig']);
  if (config['mode'] !== 'ANY') return undefined;
  const allowed = asArray(config['allowedFunctionNames']) as unknown[];
  const candidates = allowed.length > 0 ? allowed.map(String) : toolNames;
  return candidates.filter((name) => /^json(_\d+)?$/.test(name)).at(-1);
}

function usageMetadata({ usage }: Rendered): Json {
  const prompt = usage.inputTokens + usage.cacheReadTokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: prompt + usage.outputTokens,
    ...(usage.cacheReadTokens > 0 && { cachedContentTokenCount: usage.cacheReadTokens }),
  };
}

/** A generateContent answer (JSON body) or streamGenerateContent answer (SSE chunks). */
export function geminiAnswer(
  answer: FakeLlmAnswer,
  options: { stream: boolean; model: string; jsonTool: string | undefined },
): { body?: unknown; raw?: string[] } {
  const rendered = render(answer, options.jsonTool);
  const textParts: Json[] = rendered.text === undefined ? [] : [{ text: rendered.text }];
  const callParts: Json[] = rendered.calls.map((call) => ({
    functionCall: { id: call.id, name: call.name, args: call.input },
  }));
  const responseId = `resp_${nextId()}`;
  const envelope = (parts: Json[], last: boolean): Json => ({
    candidates: [
      {
        content: { role: 'model', parts },
        ...(last && { finishReason: 'STOP' }),
        index: 0,
      },
    ],
    usageMetadata: last
      ? usageMetadata(rendered)
      : { promptTokenCount: rendered.usage.inputTokens + rendered.usage.cacheReadTokens },
    modelVersion: options.model,
    responseId,
  });
  if (!options.stream) return { body: envelope([...textParts, ...callParts], true) };
  // Gemini streams text first, then the complete function calls; the last chunk finishes.
  const chunks = [textParts, callParts].filter((parts) => parts.length > 0);
  if (chunks.length === 0) chunks.push([{ text: '' }]);
  return {
    raw: chunks.map((parts, index) => sse(undefined, envelope(parts, index === chunks.length - 1))),
  };
}
