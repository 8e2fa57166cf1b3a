import { access, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { failed, lastFour, passed, type CheckResult } from '@agentsmith/kit';
import type { SourceConfig, TicketsConfig } from '../config/source-config.js';
import {
  azureDevOpsOrganizationUrl,
  parseAzureReposUrl,
} from '../azure-devops-api/azure-repos-location.js';
import { githubApiBaseUrl, parseGithubRepositoryUrl } from '../github-api/github-repository.js';
import {
  gitlabApiUrl,
  gitlabInstanceUrl,
  gitlabProjectPath,
} from '../gitlab-api/gitlab-location.js';
import { hostOf, probeGet, refusalOf, type ProbeOptions } from './http-probe.js';

/** Where to reach one REST resource that proves access, and how to authenticate. */
interface AccessProbe {
  /** e.g. "GitHub issues of org/app". */
  subject: string;
  url: string;
  headers: Record<string, string>;
  /** The variable(s) holding the credential, for the fix. */
  credential: string;
  /** The credential's value, when set (its last four characters are shown). */
  token: string | undefined;
  /** What the credential must be allowed, for the fix of a 403/404. */
  permissions: string;
  /** The repository itself (not its issues): a token that may not push fails. */
  needsPush: boolean;
}

export interface AccessCheckOptions extends ProbeOptions {
  /** Folder that relative local paths are resolved against (default: the working directory). */
  baseDir?: string | undefined;
}

const bearer = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

const basic = (user: string, token: string | undefined): Record<string, string> =>
  token ? { authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` } : {};

function githubProbe(
  url: string,
  apiUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  use: string,
): AccessProbe {
  const { owner, name } = parseGithubRepositoryUrl(url);
  const token = env['GITHUB_TOKEN'] || undefined;
  return {
    subject: `GitHub ${use} of ${owner}/${name}`,
    url: `${githubApiBaseUrl(url, apiUrl, env).replace(/\/+$/, '')}/repos/${owner}/${name}`,
    headers: bearer(token),
    credential: 'GITHUB_TOKEN',
    token,
    needsPush: use === 'repository',
    permissions:
      use === 'issues'
        ? 'Issues: read and write on the repository (classic: repo)'
        : 'Contents and Pull requests: read and write on the repository (classic: repo)',
  };
}

function gitlabProbe(
  instanceUrl: string,
  projectPath: string,
  env: NodeJS.ProcessEnv,
  use: string,
): AccessProbe {
  const token = env['GITLAB_TOKEN'] || undefined;
  return {
    subject: `GitLab ${use} of ${projectPath}`,
    url: `${gitlabApiUrl(instanceUrl)}/projects/${encodeURIComponent(projectPath)}`,
    headers: token ? { 'private-token': token } : {},
    credential: 'GITLAB_TOKEN',
    token,
    needsPush: false,
    permissions: 'the api scope and the Developer role on the project',
  };
}

function trackerProbe(tickets: TicketsConfig, env: NodeJS.ProcessEnv): AccessProbe | undefined {
  switch (tickets.type) {
    case 'github':
      return githubProbe(tickets.url, tickets.api_url, env, 'issues');
    case 'gitlab':
      return gitlabProbe(
        gitlabInstanceUrl(env, tickets.api_url, tickets.url ?? 'https://gitlab.com'),
        tickets.project.replace(/^\/+|\/+$/g, ''),
        env,
        'issues',
      );
    case 'jira': {
      const site = (env['JIRA_URL'] || tickets.url || '').replace(/\/+$/, '');
      if (!site) return undefined;
      const version =
        tickets.api_version ??
        (new URL(tickets.url ?? site).hostname.endsWith('.atlassian.net') ? '3' : '2');
      const email = env['JIRA_EMAIL'] || undefined;
      const token = env['JIRA_TOKEN'] || undefined;
      return {
        subject: `Jira project ${tickets.project}`,
        url: `${site}/rest/api/${version}/project/${encodeURIComponent(tickets.project)}`,
        headers: email ? basic(email, token) : bearer(token),
        credential: email
          ? 'JIRA_EMAIL/JIRA_TOKEN'
          : version === '3'
            ? 'JIRA_EMAIL and JIRA_TOKEN (an Atlassian API token)'
            : 'JIRA_TOKEN (a personal access token)',
        token,
        permissions: 'the Browse, Create, Add Comments and Transition Issues project permissions',
        needsPush: false,
      };
    }
    case 'azuredevops': {
      const organization =
        tickets.url ??
        (tickets.organization
          ? `https://dev.azure.com/${encodeURIComponent(tickets.organization)}`
          : undefined);
      if (!organization) return undefined;
      const token = env['AZURE_DEVOPS_TOKEN'] || undefined;
      return {
        subject: `Azure Boards project ${tickets.project}`,
        url: `${azureDevOpsOrganizationUrl(organization, env)}/${encodeURIComponent(tickets.project)}/_apis/wit/workitemtypes?api-version=7.1`,
        headers: basic('', token),
        credential: 'AZURE_DEVOPS_TOKEN',
        token,
        permissions: 'the Work Items (Read & write) scope',
        needsPush: false,
      };
    }
    case 'local':
      return undefined;
  }
}

function gitHostProbe(source: SourceConfig, env: NodeJS.ProcessEnv): AccessProbe | undefined {
  switch (source.type) {
    case 'github':
      return githubProbe(source.url, source.api_url, env, 'repository');
    case 'gitlab': {
      const instance = gitlabInstanceUrl(env, source.api_url, new URL(source.url).origin);
      const pathInstance = gitlabInstanceUrl({}, source.api_url, new URL(source.url).origin);
      return gitlabProbe(instance, gitlabProjectPath(source.url, pathInstance), env, 'repository');
    }
    case 'azurerepos': {
      const location = parseAzureReposUrl(source.url);
      const token = env['AZURE_DEVOPS_TOKEN'] || undefined;
      return {
        subject: `Azure Repos repository ${location.project}/${location.repository}`,
        url: `${azureDevOpsOrganizationUrl(location.organizationUrl, env)}/${encodeURIComponent(location.project)}/_apis/git/repositories/${encodeURIComponent(location.repository)}?api-version=7.1`,
        headers: basic('', token),
        credential: 'AZURE_DEVOPS_TOKEN',
        token,
        permissions: 'the Code (Read & write) scope',
        needsPush: false,
      };
    }
    case 'local':
      return undefined;
  }
}

async function runProbe(
  what: string,
  probe: AccessProbe,
  options: ProbeOptions,
): Promise<CheckResult> {
  if (!probe.token) {
    return failed(
      what,
      `${probe.credential} is not set`,
      `set ${probe.credential} (it needs ${probe.permissions})`,
    );
  }
  const response = await probeGet(probe.url, probe.headers, options);
  const shown = `${probe.credential} ${lastFour(probe.token)}`;
  if (response.status >= 200 && response.status < 300) {
    const permissions = (response.body as { permissions?: { push?: boolean } } | undefined)
      ?.permissions;
    if (probe.needsPush && permissions?.push === false) {
      return failed(
        what,
        `${probe.subject} is readable but ${shown} cannot push to it`,
        `give the token write access (${probe.permissions})`,
      );
    }
    return passed(what, `${probe.subject} reachable at ${hostOf(probe.url)} with ${shown}`);
  }
  return failed(
    what,
    `${probe.subject} at ${hostOf(probe.url)}: ${refusalOf(response.status)} with ${shown}`,
    response.status === 401
      ? `set ${probe.credential} to a valid token (it needs ${probe.permissions})`
      : `check the project's URL and that the token has ${probe.permissions}`,
  );
}

/** A cheap authenticated read of the project's tracker (a local folder: that it is readable). */
export async function checkTrackerAccess(
  what: string,
  tickets: TicketsConfig,
  env: NodeJS.ProcessEnv,
  options: AccessCheckOptions,
): Promise<CheckResult> {
  if (tickets.type === 'local') {
    const folder = resolve(options.baseDir ?? '.', tickets.path);
    try {
      await access(folder, constants.R_OK | constants.W_OK);
      return passed(what, `local tickets folder ${folder} is readable and writable`);
    } catch {
      return failed(
        what,
        `local tickets folder ${folder} is missing or not writable`,
        `create ${folder} or fix tickets.path`,
      );
    }
  }
  const probe = trackerProbe(tickets, env);
  if (!probe) {
    return failed(
      what,
      `the ${tickets.type} tracker has no site or organisation URL`,
      tickets.type === 'jira'
        ? 'set tickets.url or JIRA_URL'
        : 'set tickets.url or tickets.organization',
    );
  }
  return runProbe(what, probe, options);
}

/** A cheap authenticated read of the repository through the git host's REST API. */
export async function checkGitHostAccess(
  what: string,
  source: SourceConfig,
  env: NodeJS.ProcessEnv,
  options: AccessCheckOptions,
): Promise<CheckResult | undefined> {
  const probe = gitHostProbe(source, env);
  return probe ? runProbe(what, probe, options) : undefined;
}
