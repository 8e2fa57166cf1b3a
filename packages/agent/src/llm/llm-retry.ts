import {
  AppError,
  ExternalServiceError,
  isAbortError,
  isNetworkFailure,
  parseRetryAfter,
  retry,
} from '@agentsmith/kit';
import type { RetryPolicy } from '@agentsmith/kit';
import { APICallError, LoadAPIKeyError } from 'ai';
import { budgetRefusalError } from './budget-refusal.js';

/** The one retry layer around LLM calls (the SDK's own `maxRetries` is 0). */
export interface LlmRetryOptions extends RetryPolicy {
  /** Injected in tests to observe waits without sleeping. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A retry is about to happen. */
export interface LlmRetryNotice {
  attempt: number;
  delayMs: number;
  /** HTTP status, or undefined for a network error. */
  status: number | undefined;
  message: string;
}

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/**
 * How each provider says the request exceeds the model's context window: Anthropic
 * (`prompt is too long: 210000 tokens > 200000 maximum`), OpenAI Chat Completions and Responses
 * (`context_length_exceeded`, `maximum context length is`), Gemini (`input token count ... exceeds
 * the maximum number of tokens`), and gateways answering 413.
 */
const PROMPT_TOO_LONG =
  /prompt is too long|context_length_exceeded|maximum context length|context window|exceeds the maximum number of tokens|too many (input )?tokens|request too large/i;

/** The request did not fit the model's context window; the loop compacts and sends it again. */
export class PromptTooLongError extends AppError {
  constructor(message: string, cause: unknown) {
    super('llm_invalid_response', message, { retryable: false, cause });
  }
}

function isPromptTooLong(error: APICallError): boolean {
  const status = error.statusCode;
  if (status !== 400 && status !== 413) return false;
  return PROMPT_TOO_LONG.test(`${error.message}\n${error.responseBody ?? ''}`);
}

/** Maps whatever a provider call threw to an {@link ExternalServiceError} the retry layer can judge. */
export function classifyLlmError(error: unknown): unknown {
  if (isAbortError(error) || error instanceof AppError) return error;
  if (LoadAPIKeyError.isInstance(error)) {
    return new AppError('llm_unavailable', `No API key for the LLM provider: ${error.message}`, {
      cause: error,
    });
  }
  const apiError = findApiCallError(error);
  // The credential broker's money refusal: retrying cannot help; the loop asks or stops.
  const budget = apiError
    ? budgetRefusalError(apiError.responseHeaders, brokerMessage(apiError), error)
    : undefined;
  if (budget) return budget;
  if (apiError && isPromptTooLong(apiError)) {
    return new PromptTooLongError(
      `The request exceeds the model's context window (${apiError.statusCode}): ${apiError.message}`,
      error,
    );
  }
  if (apiError) {
    const status = apiError.statusCode;
    const retryable =
      status === undefined ? apiError.isRetryable : RETRYABLE_STATUS.has(status) || status >= 500;
    const headers = apiError.responseHeaders ?? {};
    const retryAfterMs = retryAfterOf(headers);
    return new ExternalServiceError(
      status === 429 ? 'llm_rate_limited' : retryable ? 'llm_unavailable' : 'llm_invalid_response',
      status === undefined
        ? `LLM API unreachable: ${apiError.message}`
        : `LLM API answered ${status}${status === 401 || status === 403 ? ' (check the API key)' : ''}: ${apiError.message}`,
      { service: 'llm', status, retryable, retryAfterMs, cause: error },
    );
  }
  if (isNetworkFailure(error)) {
    return new ExternalServiceError(
      'llm_unavailable',
      `LLM API unreachable: ${(error as Error).message}`,
      {
        service: 'llm',
        retryable: true,
        cause: error,
      },
    );
  }
  return error;
}

/**
 * Runs one model call with backoff on 408/409/429/5xx/529 and network errors, honouring
 * `Retry-After` (capped by `maxDelayMs`). When the retries run out, the error is an
 * {@link AppError} coded `llm_rate_limited` (last failure was 429) or `llm_unavailable`.
 */
export async function withLlmRetry<T>(
  operation: () => Promise<T>,
  options: {
    policy: LlmRetryOptions;
    signal: AbortSignal;
    onRetry?: (notice: LlmRetryNotice) => void;
  },
): Promise<T> {
  try {
    return await retry(
      async () => {
        try {
          return await operation();
        } catch (error) {
          throw classifyLlmError(error);
        }
      },
      {
        ...options.policy,
        signal: options.signal,
        onRetry: ({ attempt, delayMs, error }) =>
          options.onRetry?.({
            attempt,
            delayMs,
            status: error instanceof ExternalServiceError ? error.status : undefined,
            message: error instanceof Error ? error.message : String(error),
          }),
      },
    );
  } catch (error) {
    if (error instanceof ExternalServiceError && error.retryable) {
      const code = error.status === 429 ? 'llm_rate_limited' : 'llm_unavailable';
      throw new AppError(
        code,
        `The LLM is not available after ${options.policy.maxRetries + 1} attempts: ${error.message}`,
        {
          retryable: true,
          cause: error,
          details: { status: error.status },
        },
      );
    }
    throw error;
  }
}

/** The broker's own words from a provider-shaped error body (`error.message` in every shape). */
function brokerMessage(error: APICallError): string {
  try {
    const body = JSON.parse(error.responseBody ?? '') as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // fall through
  }
  return error.message;
}

function findApiCallError(error: unknown): APICallError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (APICallError.isInstance(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function retryAfterOf(headers: Record<string, string>): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return parseRetryAfter(headers['retry-after']);
}
