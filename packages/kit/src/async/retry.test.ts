import { describe, expect, it } from 'vitest';
import { AppError, CancelledError } from '../errors/app-error.js';
import { backoffDelay, parseRetryAfter, retry, DEFAULT_RETRY_POLICY } from './retry.js';

function recordingSleep() {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

describe('kit/async/retry', () => {
  it('retries retryable errors with exponential backoff, capped', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;

    const result = await retry(
      () => {
        calls += 1;
        if (calls < 5)
          return Promise.reject(new AppError('llm_unavailable', 'busy', { retryable: true }));
        return Promise.resolve('ok');
      },
      { initialDelayMs: 100, backoffMultiplier: 3, maxDelayMs: 1000, sleep },
    );

    expect(result).toBe('ok');
    expect(waits).toEqual([100, 300, 900, 1000]);
  });

  it('honours a server-requested delay (Retry-After) over the computed backoff', async () => {
    const { waits, sleep } = recordingSleep();
    const limited = Object.assign(new AppError('llm_rate_limited', '429', { retryable: true }), {
      retryAfterMs: 7000,
    });
    let calls = 0;

    await retry(() => (calls++ === 0 ? Promise.reject(limited) : Promise.resolve(1)), {
      initialDelayMs: 10,
      sleep,
    });

    expect(waits).toEqual([7000]);
  });

  it('stops at the first non-retryable error', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;

    const attempt = retry(
      () => {
        calls += 1;
        return Promise.reject(new AppError('config_invalid', 'bad'));
      },
      { sleep },
    );

    await expect(attempt).rejects.toMatchObject({ code: 'config_invalid' });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('gives up after maxRetries and rethrows the last error', async () => {
    const { sleep } = recordingSleep();
    let calls = 0;

    const attempt = retry(
      () => {
        calls += 1;
        return Promise.reject(new AppError('unknown_error', `fail ${calls}`, { retryable: true }));
      },
      { maxRetries: 2, sleep },
    );

    await expect(attempt).rejects.toThrow('fail 3');
    expect(calls).toBe(3);
  });

  it('does not retry once the signal aborted', async () => {
    const controller = new AbortController();
    let calls = 0;

    const attempt = retry(
      () => {
        calls += 1;
        controller.abort();
        return Promise.reject(new AppError('unknown_error', 'y', { retryable: true }));
      },
      { signal: controller.signal, initialDelayMs: 1 },
    );

    await expect(attempt).rejects.toThrow('y');
    expect(calls).toBe(1);
  });

  it('aborts a pending wait with CancelledError', async () => {
    const controller = new AbortController();
    const attempt = retry(
      () => Promise.reject(new AppError('unknown_error', 'y', { retryable: true })),
      {
        signal: controller.signal,
        initialDelayMs: 60_000,
        onRetry: () => controller.abort(),
      },
    );

    await expect(attempt).rejects.toBeInstanceOf(CancelledError);
  });

  it('computes the documented default delays', () => {
    expect([1, 2, 3, 6, 7].map((attempt) => backoffDelay(DEFAULT_RETRY_POLICY, attempt))).toEqual([
      2000, 4000, 8000, 60000, 60000,
    ]);
  });

  it.each([
    ['5', 5000],
    ['0.5', 500],
    [' 12 ', 12000],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['soon', undefined],
    [null, undefined],
  ])('parses Retry-After %j', (value, expected) => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
