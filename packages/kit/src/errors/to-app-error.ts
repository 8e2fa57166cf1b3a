import { AppError, CancelledError } from './app-error.js';

/** Turns anything thrown into an {@link AppError}, keeping the original as `cause`. */
export function toAppError(error: unknown, code = 'unknown_error'): AppError {
  if (error instanceof AppError) return error;
  if (isAbortError(error)) return new CancelledError('cancelled', { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new AppError(code, message, { cause: error });
}

/** True for the errors `AbortSignal` produces (`AbortError`, or our {@link CancelledError}). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof CancelledError) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}
