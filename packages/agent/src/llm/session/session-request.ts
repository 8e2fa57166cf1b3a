import type { LanguageModelMiddleware } from 'ai';
import {
  RECORDED_INPUT_CHARS,
  type RecordedInput,
  type SessionExchange,
} from './session-format.js';

type StreamWrapper = NonNullable<LanguageModelMiddleware['wrapStream']>;
/** What the SDK hands a model for one call (the provider interface's call options). */
export type ModelCallParams = Parameters<StreamWrapper>[0]['params'];
export type ModelGenerateResult = Awaited<ReturnType<Parameters<StreamWrapper>[0]['doGenerate']>>;
export type ModelStreamResult = Awaited<ReturnType<Parameters<StreamWrapper>[0]['doStream']>>;
export type ModelStreamPart =
  ModelStreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;

/**
 * The essential parts of a request: how many messages, which tools, and what the run sent since
 * the model's last answer (the task or the tool results). The system prompt and provider settings
 * are left out: they are rebuilt by every run and may change without changing the session.
 */
export function describeRequest(
  params: ModelCallParams,
  stream: boolean,
  clean: (text: string) => string,
): SessionExchange['request'] {
  const messages = params.prompt.filter((message) => message.role !== 'system');
  const lastAnswer = messages.findLastIndex((message) => message.role === 'assistant');
  const input: RecordedInput[] = [];
  for (const message of messages.slice(lastAnswer + 1)) {
    if (message.role === 'user') {
      const text = message.content
        .map((part) => (part.type === 'text' ? part.text : `[${part.type}]`))
        .join('\n');
      input.push({ type: 'text', text: clean(cap(text)) });
    }
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-result') continue;
      input.push({
        type: 'tool-result',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        outputType: part.output.type,
        output: clean(cap(outputText(part.output))),
      });
    }
  }
  return {
    stream,
    messages: messages.length,
    tools: (params.tools ?? []).map((tool) => tool.name).sort(),
    input,
  };
}

function outputText(output: { type: string; value?: unknown }): string {
  if (typeof output.value === 'string') return output.value;
  return output.value === undefined ? '' : JSON.stringify(output.value);
}

function cap(text: string): string {
  return text.length > RECORDED_INPUT_CHARS
    ? `${text.slice(0, RECORDED_INPUT_CHARS)}… [${text.length - RECORDED_INPUT_CHARS} more characters]`
    : text;
}
