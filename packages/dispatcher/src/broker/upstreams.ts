import {
  githubApiBaseUrl,
  parseGithubRepositoryUrl,
  type ProjectConfig,
} from '@agentsmith/providers';
import type { BrokerCredentials } from '../config/broker-config.js';

/** Where a brokered call really goes, and the header that carries the real credential. */
export interface Upstream {
  /** Base URL the broker path's remainder is appended to. */
  baseUrl: string;
  /** Headers with the real credential (empty when the upstream needs none). */
  headers: Record<string, string>;
}

/** Default LLM endpoints, as the SDKs' base URLs (the API version path included). */
const LLM_DEFAULT_BASE: Record<string, string> = {
  anthropic: 'https://api.anthropic.com/v1',
  openai: 'https://api.openai.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
  'openai-compatible': 'http://localhost:11434/v1',
};

/** A vendor host without a path gets the API version path the SDKs expect. */
function withDefaultPath(baseUrl: string, path: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  const pathname = new URL(trimmed).pathname;
  return pathname === '/' || pathname === '' ? `${trimmed}${path}` : trimmed;
}

/**
 * The LLM endpoint and real key of a project's provider: the dispatcher's `*_BASE_URL` override,
 * else the project's `agent.base_url`, else the vendor's API. Each provider gets its own header:
 * Anthropic `x-api-key`, OpenAI and compatible servers `Authorization: Bearer`, Gemini
 * `x-goog-api-key`. Undefined when the provider needs a key the dispatcher does not have.
 */
export function llmUpstream(
  provider: string,
  project: ProjectConfig,
  credentials: BrokerCredentials,
): Upstream | { missing: string } {
  const configured = project.agent.base_url;
  switch (provider) {
    case 'anthropic': {
      if (!credentials.anthropicApiKey) return { missing: 'ANTHROPIC_API_KEY' };
      const base = credentials.anthropicBaseUrl ?? configured ?? LLM_DEFAULT_BASE['anthropic']!;
      return {
        baseUrl: withDefaultPath(base, '/v1'),
        headers: { 'x-api-key': credentials.anthropicApiKey },
      };
    }
    case 'openai': {
      if (!credentials.openaiApiKey) return { missing: 'OPENAI_API_KEY' };
      return {
        baseUrl: credentials.openaiBaseUrl ?? configured ?? LLM_DEFAULT_BASE['openai']!,
        headers: { authorization: `Bearer ${credentials.openaiApiKey}` },
      };
    }
    case 'google': {
      if (!credentials.geminiApiKey) return { missing: 'GEMINI_API_KEY' };
      return {
        baseUrl: withDefaultPath(configured ?? LLM_DEFAULT_BASE['google']!, '/v1beta'),
        headers: { 'x-goog-api-key': credentials.geminiApiKey },
      };
    }
    default:
      // OpenAI-compatible servers (Ollama, vLLM, gateways): a key only when one is configured.
      return {
        baseUrl: credentials.openaiBaseUrl ?? configured ?? LLM_DEFAULT_BASE['openai-compatible']!,
        headers: credentials.openaiApiKey
          ? { authorization: `Bearer ${credentials.openaiApiKey}` }
          : {},
      };
  }
}

/** The repository's smart-HTTP URL and the git host credential (Basic, as git itself sends it). */
export function gitUpstream(
  project: ProjectConfig,
  credentials: BrokerCredentials,
): Upstream | { missing: string } {
  if (project.source.type === 'local') return { missing: 'a remote repository (source is local)' };
  const baseUrl = (credentials.cloneUrl ?? project.source.url).replace(/\/+$/, '');
  if (project.source.type !== 'github') return { missing: `${project.source.type} credentials` };
  if (!credentials.githubToken) return { baseUrl, headers: {} };
  const basic = Buffer.from(`x-access-token:${credentials.githubToken}`).toString('base64');
  return { baseUrl, headers: { authorization: `Basic ${basic}` } };
}

/** The REST API of a project's git host / tracker, by provider name (`github`). */
export function restUpstream(
  provider: string,
  project: ProjectConfig,
  credentials: BrokerCredentials,
): Upstream | { missing: string } {
  if (provider !== 'github') return { missing: `a ${provider} REST policy` };
  const repositoryUrl =
    project.source.type === 'github'
      ? project.source
      : project.tickets.type === 'github'
        ? project.tickets
        : undefined;
  if (!repositoryUrl) return { missing: 'a GitHub source or tracker in this project' };
  const env = credentials.githubApiUrl ? { GITHUB_API_URL: credentials.githubApiUrl } : {};
  return {
    baseUrl: githubApiBaseUrl(repositoryUrl.url, repositoryUrl.api_url, env).replace(/\/+$/, ''),
    headers: credentials.githubToken ? { authorization: `Bearer ${credentials.githubToken}` } : {},
  };
}

/** `owner/name` of a project's GitHub repositories (source and tracker), for scopes. */
export function projectRepositories(project: ProjectConfig): {
  source: string;
  tracker: string;
} {
  const name = (url: string) => {
    const parsed = parseGithubRepositoryUrl(url);
    return `${parsed.owner}/${parsed.name}`;
  };
  return {
    source: project.source.type === 'github' ? name(project.source.url) : '',
    tracker: project.tickets.type === 'github' ? name(project.tickets.url) : '',
  };
}
