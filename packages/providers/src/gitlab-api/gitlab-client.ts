import type { ErrorCode } from '@agentsmith/contracts';
import { HttpClient, type Logger } from '@agentsmith/kit';
import type { ProviderErrorContext } from '../provider-error.js';

/** What every GitLab adapter needs to reach the API. */
export interface GitlabApiSettings {
  /** `<instance>/api/v4` (see `gitlabApiUrl`). */
  apiUrl: string;
  /** `GITLAB_TOKEN`: a personal, project or group access token with the `api` scope. */
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** An {@link HttpClient} sending the token in GitLab's `PRIVATE-TOKEN` header. */
export function createGitlabClient(settings: GitlabApiSettings): HttpClient {
  return new HttpClient({
    service: 'gitlab',
    baseUrl: settings.apiUrl,
    headers: {
      'user-agent': 'agentsmith',
      ...(settings.token ? { 'private-token': settings.token } : {}),
    },
    timeoutMs: settings.timeoutMs ?? 30_000,
    retry: { maxRetries: settings.maxRetries ?? 3, initialDelayMs: 500 },
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

/** How GitLab failures are worded. */
export function gitlabErrorContext(
  hasToken: boolean,
  codes: { accessCode: ErrorCode; failureCode: ErrorCode },
): ProviderErrorContext {
  return {
    service: 'GitLab',
    credential: 'GITLAB_TOKEN',
    hasCredential: hasToken,
    permissions: 'the api scope or the Reporter/Developer role on the project',
    ...codes,
  };
}

/** `/projects/<url-encoded path>`, GitLab's way of naming a project by path. */
export function gitlabProjectRoute(projectPath: string): string {
  return `/projects/${encodeURIComponent(projectPath)}`;
}
