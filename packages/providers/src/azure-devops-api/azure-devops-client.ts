import type { ErrorCode } from '@agentsmith/contracts';
import { HttpClient, type Logger } from '@agentsmith/kit';
import type { ProviderErrorContext } from '../provider-error.js';

/** The REST API version every call names (`api-version=`); comments are still a preview. */
export const AZURE_API_VERSION = '7.1';
export const AZURE_COMMENTS_API_VERSION = '7.1-preview.4';

/** What every Azure DevOps adapter needs to reach the API. */
export interface AzureDevOpsApiSettings {
  /** Organisation (or collection) URL, e.g. `https://dev.azure.com/acme`. */
  organizationUrl: string;
  /** `AZURE_DEVOPS_TOKEN`: a personal access token. */
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** An {@link HttpClient} with the PAT as Basic auth (empty user name), as Azure DevOps expects. */
export function createAzureDevOpsClient(settings: AzureDevOpsApiSettings): HttpClient {
  const basic = settings.token ? Buffer.from(`:${settings.token}`).toString('base64') : undefined;
  return new HttpClient({
    service: 'azuredevops',
    baseUrl: settings.organizationUrl,
    headers: {
      'user-agent': 'agentsmith',
      // Without it a rejected PAT gets 203 and a sign-in page instead of a 401.
      'x-tfs-fedauthredirect': 'Suppress',
      ...(basic ? { authorization: `Basic ${basic}` } : {}),
    },
    timeoutMs: settings.timeoutMs ?? 30_000,
    retry: { maxRetries: settings.maxRetries ?? 3, initialDelayMs: 500 },
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

/** How Azure DevOps failures are worded. */
export function azureDevOpsErrorContext(
  hasToken: boolean,
  codes: { accessCode: ErrorCode; failureCode: ErrorCode },
  permissions: string,
): ProviderErrorContext {
  return {
    service: 'Azure DevOps',
    credential: 'AZURE_DEVOPS_TOKEN',
    hasCredential: hasToken,
    permissions,
    ...codes,
  };
}

/** `/{project}` as a path segment. */
export function azureProjectRoute(project: string): string {
  return `/${encodeURIComponent(project)}`;
}

/** JSON Patch, the body format of work item writes. */
export const JSON_PATCH = { 'content-type': 'application/json-patch+json' };
