import { AppError } from '../errors/app-error.js';
import { isAbortError } from '../errors/to-app-error.js';
import { sleep } from './sleep.js';

/** Backoff settings (the `retry` block of agentsmith.yml uses the same names). */
export interface RetryPolicy {
  maxRetries: number;
  initialDelayMs: number;
  backoffMultiplier: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 2000,
  backoffMultiplier: 2,
  maxDelayMs: 60_000,
};

export interface RetryOptions extends Partial<RetryPolicy> {
  signal?: AbortSignal;
  /** Decides whether an error is worth another try; default: `AppError.retryable`. */
  isRetryable?: (error: unknown) => boolean;
  /** Server-requested wait for this error, in ms (e.g. from `Retry-After`). */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Called before each wait, e.g. to report "rate limited, retrying in 4 s". */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Injected for tests; defaults to a real, abortable sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Delay before retry number `attempt` (1-based), exponential and capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const delay = policy.initialDelayMs * policy.backoffMultiplier ** (attempt - 1);
  return Math.min(delay, policy.maxDelayMs);
}

function defaultIsRetryable(error: unknown): boolean {
  return error instanceof AppError && error.retryable;
}

function defaultRetryAfter(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'retryAfterMs' in error) {
    const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or the retries run out.
 * A server's `Retry-After` wins over the computed backoff (still capped by `maxDelayMs`).
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(options) };
  const isRetryable = options.isRetryable ?? defaultIsRetryable;
  const retryAfter = options.retryAfterMs ?? defaultRetryAfter;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw error;
      if (attempt > policy.maxRetries || !isRetryable(error)) throw error;
      const requested = retryAfter(error);
      const delayMs = Math.min(requested ?? backoffDelay(policy, attempt), policy.maxDelayMs);
      options.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}

function definedOnly(options: RetryOptions): Partial<RetryPolicy> {
  const policy: Partial<RetryPolicy> = {};
  if (options.maxRetries !== undefined) policy.maxRetries = options.maxRetries;
  if (options.initialDelayMs !== undefined) policy.initialDelayMs = options.initialDelayMs;
  if (options.backoffMultiplier !== undefined) policy.backoffMultiplier = options.backoffMultiplier;
  if (options.maxDelayMs !== undefined) policy.maxDelayMs = options.maxDelayMs;
  return policy;
}

/**
 * Parses an HTTP `Retry-After` header (seconds or an HTTP date) into milliseconds.
 * Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
