import type { IncomingMessage } from 'node:http';

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearer(request: IncomingMessage): string | undefined {
  const value = header(request, 'authorization');
  const match = value?.match(/^(?:Bearer|token)\s+(\S+)$/i);
  return match?.[1];
}

/**
 * The job token of an LLM call, wherever the provider's SDK puts its API key: Anthropic
 * `x-api-key`, OpenAI `Authorization: Bearer`, Gemini `x-goog-api-key` or `?key=`.
 */
export function llmToken(request: IncomingMessage, url: URL): string | undefined {
  return (
    header(request, 'x-api-key') ??
    bearer(request) ??
    header(request, 'x-goog-api-key') ??
    url.searchParams.get('key') ??
    undefined
  );
}

/** The job token of a git request: the password of Basic authentication (from the credential helper). */
export function gitToken(request: IncomingMessage): string | undefined {
  const value = header(request, 'authorization');
  if (!value?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(value.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * The job token of a REST call, wherever the provider's client puts its token: `Authorization:
 * Bearer` (GitHub, Jira Server) or GitHub's `token` scheme, GitLab's `PRIVATE-TOKEN`, or the
 * password of Basic authentication (Azure DevOps' empty user name and PAT).
 */
export function restToken(request: IncomingMessage): string | undefined {
  return bearer(request) ?? header(request, 'private-token') ?? gitToken(request);
}
