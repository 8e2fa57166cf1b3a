import { resolve } from 'node:path';
import { ConfigError, type Logger } from '@agentsmith/kit';
import type { TicketsConfig } from '../config/source-config.js';
import { azureDevOpsOrganizationUrl } from '../azure-devops-api/azure-repos-location.js';
import { githubApiBaseUrl, parseGithubRepositoryUrl } from '../github-api/github-repository.js';
import { gitlabApiUrl, gitlabInstanceUrl } from '../gitlab-api/gitlab-location.js';
import { createAzureBoardsTracker } from './azure-boards/azure-boards-tracker.js';
import { createGithubTracker } from './github/github-tracker.js';
import { createGitlabTracker } from './gitlab/gitlab-tracker.js';
import { createJiraTracker } from './jira/jira-tracker.js';
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

/**
 * Builds the tracker of a project's `tickets:` block. Credentials and base-URL overrides come
 * from `env` (docs/providers.md names them).
 */
export function createTracker(
  tickets: TicketsConfig,
  env: NodeJS.ProcessEnv,
  options: ProviderFactoryOptions = {},
): Tracker {
  const http = { fetch: options.fetch, logger: options.logger, maxRetries: options.maxRetries };
  switch (tickets.type) {
    case 'github':
      return createGithubTracker({
        repository: parseGithubRepositoryUrl(tickets.url),
        baseUrl: githubApiBaseUrl(tickets.url, tickets.api_url, env),
        token: env['GITHUB_TOKEN'] || undefined,
        ...http,
      });
    case 'gitlab':
      return createGitlabTracker({
        apiUrl: gitlabApiUrl(
          gitlabInstanceUrl(env, tickets.api_url, tickets.url ?? 'https://gitlab.com'),
        ),
        projectPath: tickets.project.replace(/^\/+|\/+$/g, ''),
        token: env['GITLAB_TOKEN'] || undefined,
        ...http,
      });
    case 'jira': {
      // JIRA_URL wins (job mode points it at the broker); the configured site still tells the version.
      const siteUrl = env['JIRA_URL'] || tickets.url;
      if (!siteUrl) {
        throw new ConfigError('Jira tickets need the site URL: set tickets.url or JIRA_URL.', [
          'tickets.url: missing and JIRA_URL is not set (e.g. https://acme.atlassian.net)',
        ]);
      }
      return createJiraTracker({
        siteUrl,
        apiVersion:
          tickets.api_version ??
          (new URL(tickets.url ?? siteUrl).hostname.endsWith('.atlassian.net') ? '3' : '2'),
        projectKey: tickets.project,
        issueType: tickets.issue_type,
        email: env['JIRA_EMAIL'] || undefined,
        token: env['JIRA_TOKEN'] || undefined,
        ...http,
      });
    }
    case 'azuredevops': {
      const organizationUrl =
        tickets.url ??
        (tickets.organization
          ? `https://dev.azure.com/${encodeURIComponent(tickets.organization)}`
          : undefined);
      if (!organizationUrl) {
        throw new ConfigError(
          'Azure DevOps tickets need the organisation: set tickets.url or tickets.organization.',
          ['tickets.organization: missing (or tickets.url, e.g. https://dev.azure.com/acme)'],
        );
      }
      return createAzureBoardsTracker({
        organizationUrl: azureDevOpsOrganizationUrl(organizationUrl, env),
        project: tickets.project,
        workItemType: tickets.work_item_type,
        token: env['AZURE_DEVOPS_TOKEN'] || undefined,
        ...http,
      });
    }
    case 'local':
      return createLocalTracker({ path: resolve(options.baseDir ?? '.', tickets.path) });
  }
}
