import { describe, expect, it } from 'vitest';
import { UsageScanner, usageOf } from './llm-usage.js';

function scan(contentType: string, ...chunks: string[]) {
  const scanner = new UsageScanner(contentType);
  for (const chunk of chunks) scanner.push(new TextEncoder().encode(chunk));
  return scanner.finish();
}

describe('broker/llm-usage', () => {
  it('reads each provider shape, input without cache reads', () => {
    expect(
      usageOf({
        usage: {
          input_tokens: 100,
          cache_creation_input_tokens: 20,
          cache_read_input_tokens: 300,
          output_tokens: 50,
        },
      }),
    ).toEqual({ inputTokens: 120, outputTokens: 50, cacheReadTokens: 300 });
    expect(
      usageOf({
        usage: {
          prompt_tokens: 400,
          completion_tokens: 9,
          prompt_tokens_details: { cached_tokens: 100 },
        },
      }),
    ).toEqual({ inputTokens: 300, outputTokens: 9, cacheReadTokens: 100 });
    // OpenAI Responses, non-streamed and as the `response.completed` event.
    const responses = {
      usage: { input_tokens: 70, input_tokens_details: { cached_tokens: 20 }, output_tokens: 5 },
    };
    expect(usageOf(responses)).toEqual({ inputTokens: 50, outputTokens: 5, cacheReadTokens: 20 });
    expect(usageOf({ type: 'response.completed', response: responses })).toEqual({
      inputTokens: 50,
      outputTokens: 5,
      cacheReadTokens: 20,
    });
    expect(
      usageOf({
        usageMetadata: {
          promptTokenCount: 60,
          cachedContentTokenCount: 10,
          candidatesTokenCount: 7,
          thoughtsTokenCount: 3,
        },
      }),
    ).toEqual({ inputTokens: 50, outputTokens: 10, cacheReadTokens: 10 });
    expect(usageOf({ prompt_eval_count: 12, eval_count: 4, done: true })).toEqual({
      inputTokens: 12,
      outputTokens: 4,
      cacheReadTokens: 0,
    });
    expect(usageOf({ id: 'x', choices: [] })).toBeUndefined();
  });

  it('adds up an Anthropic stream (input in message_start, output in message_delta) across chunk splits', () => {
    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":900,"output_tokens":1}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"hi"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":42}}\n\n',
    ].join('');
    const cut = stream.indexOf('output_tokens":42') - 3;
    expect(scan('text/event-stream', stream.slice(0, cut), stream.slice(cut))).toEqual({
      inputTokens: 900,
      outputTokens: 42,
      cacheReadTokens: 0,
    });
  });

  it('reads the final usage chunk of an OpenAI stream, Ollama NDJSON and a Gemini JSON array', () => {
    expect(
      scan(
        'text/event-stream; charset=utf-8',
        'data: {"choices":[{"delta":{"content":"a"}}]}\n\n',
        'data: {"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2}}\n\ndata: [DONE]\n\n',
      ),
    ).toEqual({ inputTokens: 11, outputTokens: 2, cacheReadTokens: 0 });
    expect(
      scan(
        'application/x-ndjson',
        '{"message":{"content":"a"}}\n{"done":true,"prompt_eval_count":5,"eval_count":3}\n',
      ),
    ).toEqual({ inputTokens: 5, outputTokens: 3, cacheReadTokens: 0 });
    expect(
      scan(
        'application/json',
        '[{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}},',
        '{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6}}]',
      ),
    ).toEqual({ inputTokens: 4, outputTokens: 6, cacheReadTokens: 0 });
  });

  it('reports nothing for a body without usage or that is not JSON', () => {
    expect(scan('application/json', '<html>bad gateway</html>')).toBeUndefined();
    expect(scan('text/event-stream', 'data: not json\n\n')).toBeUndefined();
  });
});
