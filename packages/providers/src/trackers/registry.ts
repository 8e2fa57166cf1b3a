import { resolve } from 'node:path';
import { ConfigError, type Logger } from '@agentsmith/kit';
import type { TicketsConfig } from '../config/source-config.js';
import { githubApiBaseUrl, parseGithubRepositoryUrl } from '../github-api/github-repository.js';
import { createGithubTracker } from './github/github-tracker.js';
import { createLocalTracker } from './local/local-tracker.js';
import type { Tracker } from './tracker.js';

/** Injection points of {@link createTracker}. */
export interface ProviderFactoryOptions {
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  /** Folder that relative local paths are resolved against (default: the working directory). */
  baseDir?: string | undefined;
  /** HTTP retries of 429/5xx/network errors (default 3); tests set 0. */
  maxRetries?: number | undefined;
}

/** Ticket types with an adapter in this build. */
export const IMPLEMENTED_TICKET_TYPES = ['github', 'local'] as const;

/**
 * Builds the tracker of a project's `tickets:` block. Credentials and base-URL overrides come
 * from `env` (`GITHUB_TOKEN`, `GITHUB_API_URL`). Types without an adapter yet are a ConfigError.
 */
export function createTracker(
  tickets: TicketsConfig,
  env: NodeJS.ProcessEnv,
  options: ProviderFactoryOptions = {},
): Tracker {
  switch (tickets.type) {
    case 'github':
      return createGithubTracker({
        repository: parseGithubRepositoryUrl(tickets.url),
        baseUrl: githubApiBaseUrl(tickets.url, tickets.api_url, env),
        token: env['GITHUB_TOKEN'] || undefined,
        fetch: options.fetch,
        logger: options.logger,
        maxRetries: options.maxRetries,
      });
    case 'local':
      return createLocalTracker({ path: resolve(options.baseDir ?? '.', tickets.path) });
    case 'gitlab':
    case 'jira':
    case 'azuredevops':
      throw notImplemented(tickets.type);
  }
}

function notImplemented(type: string): ConfigError {
  const supported = IMPLEMENTED_TICKET_TYPES.join(', ');
  return new ConfigError(
    `Ticket type "${type}" is not implemented yet (supported: ${supported}).`,
    [`tickets.type: "${type}" has no adapter yet (supported: ${supported})`],
  );
}
