/**
 * The OpenAI Responses API side of the scripted LLM server (`POST /v1/responses`), as
 * `@ai-sdk/openai`'s responses model calls it: conversation items in `input` (messages,
 * `function_call`, `function_call_output`), flat function tools, and an answer of `output` items
 * (a `message` with `output_text`, `function_call`s) as one JSON body or as SSE events
 * (`response.created`, `response.output_item.added`/`.done`, text and argument deltas,
 * `response.completed`).
 */
import { nextId, render, sse, type FakeLlmAnswer, type FakeToolResult } from './fake-llm-wire.js';

type Json = Record<string, unknown>;
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const textOf = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : asArray(value)
        .map((part) => (typeof part['text'] === 'string' ? part['text'] : ''))
        .join('\n');

/** What a Responses request says, in the fields every protocol shares. */
export interface ResponsesRequestFields {
  stream: boolean;
  model: string;
  toolNames: string[];
  tools: Json[];
  toolResults: FakeToolResult[];
  system: string;
  lastUserText: string;
  structured: boolean;
}

export function decodeResponsesRequest(body: Json): ResponsesRequestFields {
  const tools = asArray(body['tools']);
  const toolResults: FakeToolResult[] = [];
  let system = typeof body['instructions'] === 'string' ? body['instructions'] : '';
  let lastUserText = '';
  for (const item of asArray(body['input'])) {
    const role = item['role'];
    if (role === 'system' || role === 'developer') system = textOf(item['content']);
    if (role === 'user') lastUserText = textOf(item['content']);
    if (item['type'] === 'function_call_output') {
      const output = item['output'];
      toolResults.push({
        toolCallId: String(item['call_id']),
        content: typeof output === 'string' ? output : JSON.stringify(output),
        isError: false,
      });
    }
  }
  const format = (body['text'] as Json | undefined)?.['format'] as Json | undefined;
  return {
    stream: body['stream'] === true,
    model: typeof body['model'] === 'string' ? body['model'] : 'unknown',
    toolNames: tools.map((tool) => String(tool['name'])),
    tools,
    toolResults,
    system,
    lastUserText,
    structured: format?.['type'] === 'json_schema',
  };
}

/** A Responses API answer (JSON body or SSE events). */
export function responsesAnswer(
  answer: FakeLlmAnswer,
  options: { stream: boolean; model: string },
): { body?: unknown; raw?: string[] } {
  const { text, calls, usage } = render(answer, undefined);
  const id = `resp_${nextId()}`;
  const created = Math.floor(Date.now() / 1000);
  const usageBody = {
    input_tokens: usage.inputTokens + usage.cacheReadTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.inputTokens + usage.cacheReadTokens + usage.outputTokens,
  };
  const output: Json[] = [];
  if (text !== undefined) {
    output.push({
      type: 'message',
      id: `msg_${nextId()}`,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text, annotations: [] }],
    });
  }
  for (const call of calls) {
    output.push({
      type: 'function_call',
      id: `fc_${nextId()}`,
      call_id: call.id,
      name: call.name,
      arguments: call.args,
      status: 'completed',
    });
  }
  const response = {
    id,
    object: 'response',
    created_at: created,
    model: options.model,
    status: 'completed',
    incomplete_details: null,
    output,
    usage: usageBody,
  };
  if (!options.stream) return { body: response };
  const event = (type: string, data: Json) => sse(type, { type, ...data });
  const started = { id, object: 'response', created_at: created, model: options.model };
  const raw = [event('response.created', { response: { ...started, status: 'in_progress' } })];
  output.forEach((item, index) => {
    if (item['type'] === 'message') {
      raw.push(
        event('response.output_item.added', {
          output_index: index,
          item: {
            type: 'message',
            id: item['id'],
            role: 'assistant',
            status: 'in_progress',
            content: [],
          },
        }),
        event('response.output_text.delta', {
          item_id: item['id'],
          output_index: index,
          content_index: 0,
          delta: text ?? '',
        }),
      );
    } else {
      raw.push(
        event('response.output_item.added', {
          output_index: index,
          item: { ...item, arguments: '', status: 'in_progress' },
        }),
        event('response.function_call_arguments.delta', {
          item_id: item['id'],
          output_index: index,
          delta: item['arguments'],
        }),
      );
    }
    raw.push(event('response.output_item.done', { output_index: index, item }));
  });
  raw.push(event('response.completed', { response }));
  return { raw };
}
