import type { ErrorCode } from '@agentsmith/contracts';
import { AppError, ExternalServiceError } from '@agentsmith/kit';

/** How one provider's failures are worded: its name and the variable holding its credential. */
export interface ProviderErrorContext {
  /** Display name, e.g. `GitLab`. */
  service: string;
  /** Environment variable(s) with the credential, e.g. `GITLAB_TOKEN`. */
  credential: string;
  hasCredential: boolean;
  /** What the credential needs, e.g. `the api scope`. */
  permissions: string;
  accessCode: ErrorCode;
  failureCode: ErrorCode;
}

/** The HTTP status of a failed provider call, if it got one. */
export function httpStatus(error: unknown): number | undefined {
  return error instanceof ExternalServiceError ? error.status : undefined;
}

/**
 * Wraps a failed call once, at the edge: 401 names the credential variable, 403 the missing
 * permission, 429 the wait the provider asked for; anything else keeps `retryable` and the cause.
 */
export function providerError(
  error: unknown,
  what: string,
  context: ProviderErrorContext,
): AppError {
  if (error instanceof AppError && !(error instanceof ExternalServiceError)) return error;
  const status = httpStatus(error);
  const { service, credential } = context;
  if (status === 401 || (status === 403 && !context.hasCredential)) {
    const hint = context.hasCredential
      ? `${credential} was rejected (wrong or expired); set ${credential} to a valid token`
      : `${credential} is not set`;
    return new AppError(context.accessCode, `${service} refused to ${what}: ${hint}.`, {
      cause: error,
      details: { status },
    });
  }
  if (status === 403) {
    return new AppError(
      context.accessCode,
      `${service} denied permission to ${what}: the token in ${credential} lacks ${context.permissions}.`,
      { cause: error, details: { status } },
    );
  }
  if (status === 429) {
    const waitMs = error instanceof ExternalServiceError ? error.retryAfterMs : undefined;
    const wait =
      waitMs === undefined ? '' : `; it asked to retry after ${Math.ceil(waitMs / 1000)} s`;
    return new AppError(
      context.failureCode,
      `${service} is rate limiting us while trying to ${what}${wait}.`,
      {
        cause: error,
        retryable: true,
        details: { status, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) },
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError(
    context.failureCode,
    `${service} request failed while trying to ${what}: ${reason}`,
    {
      cause: error,
      retryable: error instanceof AppError ? error.retryable : false,
      ...(status === undefined ? {} : { details: { status } }),
    },
  );
}

/** A ticket reference the tracker cannot have; the message says which form it expects. */
export function ticketNotFound(ticketId: string, where: string): AppError {
  return new AppError('tracker_ticket_not_found', `Ticket ${ticketId} was not found in ${where}.`);
}

/** A 404 for the project or repository itself: missing, or hidden from the credential. */
export function projectNotFound(
  name: string,
  context: ProviderErrorContext,
  cause: unknown,
): AppError {
  const hint = context.hasCredential
    ? `or ${context.credential} cannot see it`
    : `; if it is private, set ${context.credential}`;
  return new AppError(
    context.accessCode,
    `${context.service} project ${name} was not found ${hint}.`,
    {
      cause,
      details: { status: 404 },
    },
  );
}
