import type { ErrorCode } from '@agentsmith/contracts';
import { AppError, ExternalServiceError, HttpClient, type Logger } from '@agentsmith/kit';

/** What every GitHub adapter needs to reach the API. */
export interface GithubApiSettings {
  /** REST base URL, e.g. `https://api.github.com` (see `githubApiBaseUrl`). */
  baseUrl: string;
  /** A token (`GITHUB_TOKEN`); without one only public repositories can be read. */
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number | undefined;
  /** Retries of 429/5xx/network errors (default 3). */
  maxRetries?: number | undefined;
}

/** An {@link HttpClient} with GitHub's headers and the token. */
export function createGithubClient(settings: GithubApiSettings): HttpClient {
  return new HttpClient({
    service: 'github',
    baseUrl: settings.baseUrl,
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'agentsmith',
      ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
    },
    timeoutMs: settings.timeoutMs ?? 30_000,
    retry: { maxRetries: settings.maxRetries ?? 3, initialDelayMs: 500 },
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

/** The HTTP status of a failed GitHub call, if it got one. */
export function githubStatus(error: unknown): number | undefined {
  return error instanceof ExternalServiceError ? error.status : undefined;
}

/**
 * Wraps a failed call once, at the edge: 401/403 become `accessCode` with a message naming
 * GITHUB_TOKEN; everything else becomes `failureCode`, keeping `retryable` and the cause.
 */
export function githubError(
  error: unknown,
  what: string,
  codes: { accessCode: ErrorCode; failureCode: ErrorCode },
  hasToken: boolean,
): AppError {
  if (error instanceof AppError && !(error instanceof ExternalServiceError)) return error;
  const status = githubStatus(error);
  if (status === 401 || status === 403) {
    const hint = hasToken
      ? 'GITHUB_TOKEN was rejected or lacks access to this repository (needs repo/issues/pull request permissions)'
      : 'GITHUB_TOKEN is not set; private repositories and all changes need it';
    return new AppError(
      codes.accessCode,
      `GitHub denied access while trying to ${what}: ${hint}.`,
      {
        cause: error,
        details: { status },
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError(
    codes.failureCode,
    `GitHub request failed while trying to ${what}: ${reason}`,
    {
      cause: error,
      retryable: error instanceof AppError ? error.retryable : false,
      ...(status === undefined ? {} : { details: { status } }),
    },
  );
}
