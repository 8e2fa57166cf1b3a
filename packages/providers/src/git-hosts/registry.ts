import { resolve } from 'node:path';
import {
  azureDevOpsOrganizationUrl,
  parseAzureReposUrl,
} from '../azure-devops-api/azure-repos-location.js';
import type { SourceConfig } from '../config/source-config.js';
import { githubApiBaseUrl, parseGithubRepositoryUrl } from '../github-api/github-repository.js';
import {
  gitlabApiUrl,
  gitlabInstanceUrl,
  gitlabProjectPath,
} from '../gitlab-api/gitlab-location.js';
import type { ProviderFactoryOptions } from '../trackers/registry.js';
import { createAzureReposGitHost } from './azure-repos/azure-repos-git-host.js';
import type { GitHost } from './git-host.js';
import { createGithubGitHost } from './github/github-git-host.js';
import { createGitlabGitHost } from './gitlab/gitlab-git-host.js';
import { createLocalGitHost } from './local/local-git-host.js';

/** Whether the instance's path (e.g. `/gitlab`) begins the repository URL's path. */
function isPathPrefix(instanceUrl: string, url: string): boolean {
  const prefix = new URL(instanceUrl).pathname.replace(/\/+$/, '');
  return prefix === '' || new URL(url).pathname.startsWith(`${prefix}/`);
}

/**
 * Builds the git host of a project's `source:` block. Tokens and base-URL overrides come from
 * `env` (docs/providers.md names them).
 */
export function createGitHost(
  source: SourceConfig,
  env: NodeJS.ProcessEnv,
  options: ProviderFactoryOptions = {},
): GitHost {
  const http = { fetch: options.fetch, logger: options.logger, maxRetries: options.maxRetries };
  switch (source.type) {
    case 'github':
      return createGithubGitHost({
        repository: parseGithubRepositoryUrl(source.url),
        cloneUrl: source.url,
        baseUrl: githubApiBaseUrl(source.url, source.api_url, env),
        token: env['GITHUB_TOKEN'] || undefined,
        ...http,
      });
    case 'gitlab': {
      const origin = new URL(source.url).origin;
      const instance = gitlabInstanceUrl(env, source.api_url, origin);
      // In job mode GITLAB_URL is the broker, whose path is no prefix of the project's URL: the
      // configured instance then tells where the project's path begins.
      const pathInstance = isPathPrefix(instance, source.url)
        ? instance
        : gitlabInstanceUrl({}, source.api_url, origin);
      return createGitlabGitHost({
        apiUrl: gitlabApiUrl(instance),
        projectPath: gitlabProjectPath(source.url, pathInstance),
        cloneUrl: source.url,
        token: env['GITLAB_TOKEN'] || undefined,
        ...http,
      });
    }
    case 'azurerepos': {
      const location = parseAzureReposUrl(source.url);
      return createAzureReposGitHost({
        location: {
          ...location,
          organizationUrl: azureDevOpsOrganizationUrl(location.organizationUrl, env),
        },
        cloneUrl: source.url,
        token: env['AZURE_DEVOPS_TOKEN'] || undefined,
        ...http,
      });
    }
    case 'local':
      return createLocalGitHost({ path: resolve(options.baseDir ?? '.', source.path) });
  }
}
