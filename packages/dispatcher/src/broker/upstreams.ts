import { resolve } from 'node:path';
import {
  githubApiBaseUrl,
  gitlabInstanceUrl,
  gitlabProjectPath,
  parseAzureReposUrl,
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

/** The user name git sends with each host's token (Basic authentication). */
const GIT_USER: Record<string, string> = {
  github: 'x-access-token',
  gitlab: 'oauth2',
  // Azure DevOps takes a PAT with any user name, also an empty one.
  azurerepos: '',
};

function gitToken(type: string, credentials: BrokerCredentials): string | undefined {
  if (type === 'github') return credentials.githubToken;
  if (type === 'gitlab') return credentials.gitlabToken;
  if (type === 'azurerepos') return credentials.azureDevOpsToken;
  return undefined;
}

function withoutUserInfo(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/**
 * The repository's smart-HTTP URL and the git host credential (Basic, as git itself sends it), or
 * for a `local` source the repository's absolute path on this machine (the broker serves it
 * itself; a relative `source.path` is resolved against the working directory).
 */
export function gitUpstream(
  project: ProjectConfig,
  credentials: BrokerCredentials,
): Upstream | { local: string } {
  const source = project.source;
  if (source.type === 'local') return { local: resolve(source.path) };
  const baseUrl = (credentials.cloneUrl ?? withoutUserInfo(source.url)).replace(/\/+$/, '');
  const token = gitToken(source.type, credentials);
  if (!token) return { baseUrl, headers: {} };
  const basic = Buffer.from(`${GIT_USER[source.type]}:${token}`).toString('base64');
  return { baseUrl, headers: { authorization: `Basic ${basic}` } };
}

/** The REST provider (`/rest/<provider>`) a source or tracker type is served by. */
const REST_PROVIDER: Record<string, string> = {
  github: 'github',
  gitlab: 'gitlab',
  jira: 'jira',
  azurerepos: 'azuredevops',
  azuredevops: 'azuredevops',
};

/** The GitLab instance root of a project's GitLab source or tracker. */
function gitlabInstance(
  project: ProjectConfig,
  credentials: BrokerCredentials,
): string | undefined {
  const env = credentials.gitlabUrl ? { GITLAB_URL: credentials.gitlabUrl } : {};
  const { source, tickets } = project;
  if (source.type === 'gitlab')
    return gitlabInstanceUrl(env, source.api_url, new URL(source.url).origin);
  if (tickets.type === 'gitlab')
    return gitlabInstanceUrl(env, tickets.api_url, tickets.url ?? 'https://gitlab.com');
  return undefined;
}

/** The Azure DevOps organisation URL of a project's Azure Repos source or Azure Boards tracker. */
function azureOrganizationUrl(project: ProjectConfig): string | undefined {
  const { source, tickets } = project;
  if (source.type === 'azurerepos') return parseAzureReposUrl(source.url).organizationUrl;
  if (tickets.type === 'azuredevops') {
    if (tickets.url) return tickets.url.replace(/\/+$/, '');
    if (tickets.organization)
      return `https://dev.azure.com/${encodeURIComponent(tickets.organization)}`;
  }
  return undefined;
}

function githubUpstream(
  project: ProjectConfig,
  credentials: BrokerCredentials,
): Upstream | { missing: string } {
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

/**
 * The REST API of a project's git host / tracker, by provider name, with that provider's own
 * authentication: GitHub Bearer, GitLab `PRIVATE-TOKEN`, Jira Basic e-mail:token (Cloud) or
 * Bearer PAT (Server), Azure DevOps Basic with an empty user name and the PAT. The agent's path
 * carries the API root (`/api/v4`, `/rest/api/3`, `/<org>/<project>/_apis`), so the base is the
 * instance, site or server root.
 */
export function restUpstream(
  provider: string,
  project: ProjectConfig,
  credentials: BrokerCredentials,
): Upstream | { missing: string } {
  switch (provider) {
    case 'github':
      return githubUpstream(project, credentials);
    case 'gitlab': {
      const instance = gitlabInstance(project, credentials);
      if (!instance) return { missing: 'a GitLab source or tracker in this project' };
      const token = credentials.gitlabToken;
      return { baseUrl: instance, headers: token ? { 'private-token': token } : {} };
    }
    case 'jira': {
      if (project.tickets.type !== 'jira') return { missing: 'a Jira tracker in this project' };
      const site = (credentials.jiraUrl ?? project.tickets.url)?.replace(/\/+$/, '');
      if (!site) return { missing: 'JIRA_URL (and the project sets no tickets.url)' };
      const { jiraEmail: email, jiraToken: token } = credentials;
      if (!token) return { baseUrl: site, headers: {} };
      const authorization = email
        ? `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`
        : `Bearer ${token}`;
      return { baseUrl: site, headers: { authorization } };
    }
    case 'azuredevops': {
      const organizationUrl = azureOrganizationUrl(project);
      if (!organizationUrl)
        return { missing: 'an Azure Repos source or Azure Boards tracker in this project' };
      const baseUrl = (credentials.azureDevOpsUrl ?? new URL(organizationUrl).origin).replace(
        /\/+$/,
        '',
      );
      const token = credentials.azureDevOpsToken;
      const basic = token ? Buffer.from(`:${token}`).toString('base64') : undefined;
      return { baseUrl, headers: basic ? { authorization: `Basic ${basic}` } : {} };
    }
    default:
      return { missing: `a ${provider} REST policy` };
  }
}

/** The organisation path segments of an Azure DevOps organisation or collection URL. */
function organizationPath(organizationUrl: string): string {
  return new URL(organizationUrl).pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => decodeURIComponent(segment))
    .join('/');
}

/** A source's repository as its host's allow-list names it. */
function sourceRepository(project: ProjectConfig): string {
  const { source } = project;
  switch (source.type) {
    case 'github': {
      const parsed = parseGithubRepositoryUrl(source.url);
      return `${parsed.owner}/${parsed.name}`;
    }
    case 'gitlab':
      return gitlabProjectPath(
        source.url,
        gitlabInstanceUrl({}, source.api_url, new URL(source.url).origin),
      );
    case 'azurerepos': {
      const location = parseAzureReposUrl(source.url);
      return `${organizationPath(location.organizationUrl)}/${location.project}/${location.repository}`;
    }
    case 'local':
      return '';
  }
}

/** Where a project's tickets live, as its tracker's allow-list takes it. */
function trackerRepository(project: ProjectConfig): string {
  const { tickets } = project;
  switch (tickets.type) {
    case 'github': {
      const parsed = parseGithubRepositoryUrl(tickets.url);
      return `${parsed.owner}/${parsed.name}`;
    }
    case 'gitlab':
      return tickets.project.replace(/^\/+|\/+$/g, '');
    case 'jira':
      return tickets.project;
    case 'azuredevops': {
      // The work items' project and no repository: its repository rules match no path.
      const organizationUrl = azureOrganizationUrl(project);
      return organizationUrl ? `${organizationPath(organizationUrl)}/${tickets.project}/` : '';
    }
    case 'local':
      return '';
  }
}

/**
 * The repository of a project's source and where its tickets live, each with the REST provider
 * that serves it, for scopes.
 */
export function projectRepositories(project: ProjectConfig): {
  source: string;
  sourceProvider: string;
  tracker: string;
  trackerProvider: string;
} {
  return {
    source: sourceRepository(project),
    sourceProvider: REST_PROVIDER[project.source.type] ?? project.source.type,
    tracker: trackerRepository(project),
    trackerProvider: REST_PROVIDER[project.tickets.type] ?? project.tickets.type,
  };
}
