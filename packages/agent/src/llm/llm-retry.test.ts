import { AppError, ExternalServiceError } from '@agentsmith/kit';
import { APICallError, LoadAPIKeyError } from 'ai';
import { describe, expect, it } from 'vitest';
import { classifyLlmError, withLlmRetry } from './llm-retry.js';

const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}) =>
  new APICallError({
    message: 'boom',
    url: 'http://llm/v1/messages',
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === undefined,
  });

describe('llm/llm-retry', () => {
  it.each`
    status       | headers                         | code                      | retryable | retryAfterMs
    ${429}       | ${{ 'retry-after': '2' }}       | ${'llm_rate_limited'}     | ${true}   | ${2000}
    ${429}       | ${{ 'retry-after-ms': '1500' }} | ${'llm_rate_limited'}     | ${true}   | ${1500}
    ${529}       | ${{}}                           | ${'llm_unavailable'}      | ${true}   | ${undefined}
    ${502}       | ${{}}                           | ${'llm_unavailable'}      | ${true}   | ${undefined}
    ${400}       | ${{}}                           | ${'llm_invalid_response'} | ${false}  | ${undefined}
    ${undefined} | ${{}}                           | ${'llm_unavailable'}      | ${true}   | ${undefined}
  `('classifies status $status as $code', ({ status, headers, code, retryable, retryAfterMs }) => {
    const classified = classifyLlmError(
      apiError(status as number | undefined, headers as Record<string, string>),
    );

    expect(classified).toBeInstanceOf(ExternalServiceError);
    expect(classified).toMatchObject({ code, retryable, retryAfterMs });
  });

  it("turns the broker's budget refusal into a non-retryable budget_exhausted with the broker's words", () => {
    const refusal = new APICallError({
      message: 'Payment Required',
      url: 'http://dispatcher:8081/llm/anthropic/messages',
      requestBodyValues: {},
      statusCode: 402,
      responseHeaders: { 'x-agentsmith-budget': 'exhausted' },
      responseBody: JSON.stringify({
        type: 'error',
        error: { type: 'budget_exhausted', message: 'LLM budget exhausted: spent $20.00.' },
      }),
      isRetryable: false,
    });

    const classified = classifyLlmError(refusal);

    expect(classified).toBeInstanceOf(AppError);
    expect(classified).toMatchObject({
      code: 'budget_exhausted',
      retryable: false,
      message: 'LLM budget exhausted: spent $20.00.',
    });
    // Any other 402 stays an ordinary provider error.
    expect(classifyLlmError(apiError(402))).toMatchObject({ code: 'llm_invalid_response' });
  });

  it('turns a missing API key into a clear, non-retryable error', () => {
    const classified = classifyLlmError(
      new LoadAPIKeyError({ message: 'ANTHROPIC_API_KEY is missing' }),
    );

    expect(classified).toBeInstanceOf(AppError);
    expect(classified).toMatchObject({ code: 'llm_unavailable', retryable: false });
  });

  it('retries network errors and gives up with llm_unavailable', async () => {
    let calls = 0;

    const running = withLlmRetry(
      () => {
        calls += 1;
        return Promise.reject(new TypeError('fetch failed'));
      },
      {
        policy: {
          maxRetries: 2,
          initialDelayMs: 1,
          backoffMultiplier: 1,
          maxDelayMs: 1,
          sleep: () => Promise.resolve(),
        },
        signal: new AbortController().signal,
      },
    );

    await expect(running).rejects.toMatchObject({ code: 'llm_unavailable' });
    expect(calls).toEqual(3);
  });

  it('does not retry a non-retryable answer', async () => {
    let calls = 0;

    const running = withLlmRetry(
      () => {
        calls += 1;
        return Promise.reject(apiError(400));
      },
      {
        policy: { maxRetries: 3, initialDelayMs: 1, backoffMultiplier: 1, maxDelayMs: 1 },
        signal: new AbortController().signal,
      },
    );

    await expect(running).rejects.toMatchObject({ code: 'llm_invalid_response' });
    expect(calls).toEqual(1);
  });
});
