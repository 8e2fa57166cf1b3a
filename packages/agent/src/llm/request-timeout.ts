import { ExternalServiceError } from '@agentsmith/kit';

/**
 * How long one LLM request may take. Long enough for a large non-streamed answer; a server that
 * accepted the connection and then went silent must not hang a run until the job's own deadline.
 */
export const DEFAULT_LLM_REQUEST_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs one LLM request with its own time limit. Past it the request is aborted and fails as a
 * retryable `llm_unavailable` error, so the retry layer tries again; aborting `signal` (cancel,
 * deadline) still ends it as an abort.
 */
export async function withRequestTimeout<T>(
  signal: AbortSignal,
  timeoutMs: number,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await request(AbortSignal.any([signal, timeout]));
  } catch (error) {
    if (timeout.aborted && !signal.aborted) {
      throw new ExternalServiceError(
        'llm_unavailable',
        `The LLM API did not answer within ${Math.round(timeoutMs / 100) / 10} s.`,
        { service: 'llm', retryable: true, cause: error },
      );
    }
    throw error;
  }
}
