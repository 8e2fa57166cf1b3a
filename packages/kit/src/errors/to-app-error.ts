import { ContractError, type ErrorCode } from '@agentsmith/contracts';
import { AppError, CancelledError } from './app-error.js';

/**
 * Turns anything thrown into an {@link AppError}, keeping the original as `cause`. A contract
 * error keeps its code; anything else unknown gets `code`.
 */
export function toAppError(error: unknown, code: ErrorCode = 'unknown_error'): AppError {
  if (error instanceof AppError) return error;
  if (isAbortError(error)) return new CancelledError('cancelled', { cause: error });
  if (error instanceof ContractError) {
    return new AppError(error.code, error.message, { cause: error, retryable: false });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(code, message, { cause: error });
}

/** True for the errors `AbortSignal` produces (`AbortError`, or our {@link CancelledError}). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof CancelledError) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}

const NETWORK_ERROR_CODE =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|EAI_AGAIN|UND_ERR_)/;

/**
 * True when a request never got an answer because of the network: `fetch` rejects with
 * `TypeError('fetch failed')` whose cause carries a socket or DNS code. Any other `TypeError` is
 * a programming error, and must surface at once rather than be retried as an outage.
 */
export function isNetworkFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODE.test(code)) return true;
    if (current instanceof TypeError && current.message === 'fetch failed') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
