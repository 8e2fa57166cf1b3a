import type { ErrorCode } from './error-codes.js';

/**
 * Something crossing the process boundary is unusable: a malformed bus entry, a job spec of
 * another version, a command line that breaks the job grammar. Never retryable: the same bytes
 * will never read differently. `@agentsmith/kit`'s `toAppError` keeps the code.
 */
export class ContractError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
