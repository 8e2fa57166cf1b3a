import type { ErrorCode } from '@agentsmith/contracts';
import { HttpClient, type Logger } from '@agentsmith/kit';
import type { ProviderErrorContext } from '../provider-error.js';

/** What the Jira adapter needs to reach the API. */
export interface JiraApiSettings {
  /** Site URL, e.g. `https://acme.atlassian.net` or `https://jira.example.com/jira`. */
  siteUrl: string;
  /** `3` on Jira Cloud, `2` on Jira Server / Data Center. */
  apiVersion: '2' | '3';
  /** `JIRA_EMAIL`: with it the token is a Cloud API token (Basic auth), without it a PAT (Bearer). */
  email?: string | undefined;
  /** `JIRA_TOKEN`. */
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/** An {@link HttpClient} on `<site>/rest/api/<version>` with Jira's auth scheme. */
export function createJiraClient(settings: JiraApiSettings): HttpClient {
  return new HttpClient({
    service: 'jira',
    baseUrl: `${settings.siteUrl.replace(/\/+$/, '')}/rest/api/${settings.apiVersion}`,
    headers: { 'user-agent': 'agentsmith', ...authorization(settings) },
    timeoutMs: settings.timeoutMs ?? 30_000,
    retry: { maxRetries: settings.maxRetries ?? 3, initialDelayMs: 500 },
    ...(settings.logger ? { logger: settings.logger } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
}

function authorization(settings: JiraApiSettings): Record<string, string> {
  if (!settings.token) return {};
  if (settings.email) {
    const basic = Buffer.from(`${settings.email}:${settings.token}`).toString('base64');
    return { authorization: `Basic ${basic}` };
  }
  return { authorization: `Bearer ${settings.token}` };
}

/** How Jira failures are worded; the credential named is the pair in use. */
export function jiraErrorContext(
  settings: Pick<JiraApiSettings, 'email' | 'token'>,
  codes: { accessCode: ErrorCode; failureCode: ErrorCode },
): ProviderErrorContext {
  return {
    service: 'Jira',
    credential: settings.email ? 'JIRA_EMAIL/JIRA_TOKEN' : 'JIRA_TOKEN',
    hasCredential: Boolean(settings.token),
    permissions: 'the Browse, Create, Add Comments and Transition Issues project permissions',
    ...codes,
  };
}
