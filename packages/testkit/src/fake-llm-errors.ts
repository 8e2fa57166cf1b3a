import type { FakeLlmError, Protocol } from './fake-llm-wire.js';

/**
 * The answer each provider gives when a request exceeds the model's context window, in its real
 * shape: Anthropic's `invalid_request_error` "prompt is too long", OpenAI's
 * `context_length_exceeded` (Chat Completions and Responses alike), Gemini's `INVALID_ARGUMENT`
 * about the input token count.
 */
export function promptTooLongError(protocol: Protocol): FakeLlmError {
  if (protocol === 'anthropic') {
    return {
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'prompt is too long: 215337 tokens > 200000 maximum',
        },
      },
    };
  }
  if (protocol === 'gemini') {
    return {
      status: 400,
      body: {
        error: {
          code: 400,
          message:
            'The input token count (1290331) exceeds the maximum number of tokens allowed (1048576).',
          status: 'INVALID_ARGUMENT',
        },
      },
    };
  }
  return {
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 131245 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  };
}
