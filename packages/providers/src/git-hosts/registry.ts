import { resolve } from 'node:path';
import { ConfigError } from '@agentsmith/kit';
import type { SourceConfig } from '../config/source-config.js';
import { githubApiBaseUrl, parseGithubRepositoryUrl } from '../github-api/github-repository.js';
import type { ProviderFactoryOptions } from '../trackers/registry.js';
import type { GitHost } from './git-host.js';
import { createGithubGitHost } from './github/github-git-host.js';
import { createLocalGitHost } from './local/local-git-host.js';

/** Source types with an adapter in this build. */
export const IMPLEMENTED_SOURCE_TYPES = ['github', 'local'] as const;

/**
 * Builds the git host of a project's `source:` block. The token (`GITHUB_TOKEN`) and the API
 * base-URL override (`GITHUB_API_URL`) come from `env`. Types without an adapter yet are a
 * ConfigError.
 */
export function createGitHost(
  source: SourceConfig,
  env: NodeJS.ProcessEnv,
  options: ProviderFactoryOptions = {},
): GitHost {
  switch (source.type) {
    case 'github':
      return createGithubGitHost({
        repository: parseGithubRepositoryUrl(source.url),
        cloneUrl: source.url,
        baseUrl: githubApiBaseUrl(source.url, source.api_url, env),
        token: env['GITHUB_TOKEN'] || undefined,
        fetch: options.fetch,
        logger: options.logger,
        maxRetries: options.maxRetries,
      });
    case 'local':
      return createLocalGitHost({ path: resolve(options.baseDir ?? '.', source.path) });
    case 'gitlab':
    case 'azurerepos': {
      const supported = IMPLEMENTED_SOURCE_TYPES.join(', ');
      throw new ConfigError(
        `Source type "${source.type}" is not implemented yet (supported: ${supported}).`,
        [`source.type: "${source.type}" has no adapter yet (supported: ${supported})`],
      );
    }
  }
}
