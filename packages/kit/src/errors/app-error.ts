import type { ErrorCode } from '@agentsmith/contracts';

/** Options every {@link AppError} accepts. */
export interface AppErrorOptions {
  /** Whether trying the same operation again may succeed. */
  retryable?: boolean;
  /** The error this one wraps. */
  cause?: unknown;
  /** Extra facts, safe to log (no secrets). */
  details?: Record<string, unknown>;
}

/**
 * The one error base class. Callers branch on `code`, never on the message. Codes come from the
 * one list in `@agentsmith/contracts` (error-codes.ts).
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }
}

/** A configuration or usage problem the operator must fix; never retryable. */
export class ConfigError extends AppError {
  /** Every problem found, each with its path, e.g. `projects.demo.agent.type: Invalid option`. */
  readonly problems: readonly string[];

  constructor(
    message: string,
    problems: readonly string[] = [],
    code: ErrorCode = 'config_invalid',
  ) {
    super(code, message, { retryable: false, details: { problems } });
    this.problems = problems;
  }
}

/** A call to an external service failed (HTTP status or network). */
export class ExternalServiceError extends AppError {
  readonly service: string;
  readonly status: number | undefined;
  /** Milliseconds the service asked us to wait (from `Retry-After`). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: AppErrorOptions & { service: string; status?: number; retryAfterMs?: number },
  ) {
    super(code, message, options);
    this.service = options.service;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The operation was cancelled by its signal. */
export class CancelledError extends AppError {
  constructor(message = 'cancelled', options: AppErrorOptions = {}) {
    super('run_cancelled', message, { ...options, retryable: false });
  }
}

/** Something looked up does not exist. */
export class NotFoundError extends AppError {
  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, { ...options, retryable: false });
  }
}
