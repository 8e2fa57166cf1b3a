import { TimeoutError } from '../errors/app-error.js';

/** A signal that aborts when any of `signals` does or after `timeoutMs`. */
export function timeoutSignal(
  timeoutMs: number,
  ...signals: (AbortSignal | undefined)[]
): AbortSignal {
  return AbortSignal.any([
    AbortSignal.timeout(timeoutMs),
    ...signals.filter((signal): signal is AbortSignal => signal !== undefined),
  ]);
}

/**
 * Runs `operation` with a signal that aborts after `timeoutMs` (or with `signal`). A timeout
 * becomes a {@link TimeoutError} naming `what`.
 */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await operation(combined);
  } catch (error) {
    if (timeout.aborted && !signal?.aborted) {
      throw new TimeoutError(`${what} timed out after ${timeoutMs} ms`, { cause: error });
    }
    throw error;
  }
}
