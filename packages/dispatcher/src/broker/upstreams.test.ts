import { resolve } from 'node:path';
import { ProjectConfig } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import type { JobScope } from './job-scope.js';
import { jobRestRules } from './rest-proxy.js';
import { gitUpstream, projectRepositories, restUpstream } from './upstreams.js';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const gitlabProject = ProjectConfig.parse({
  source: {
    type: 'gitlab',
    url: 'https://git.acme.test/gitlab/acme/platform/app.git',
    api_url: 'https://git.acme.test/gitlab/api/v4',
  },
  tickets: { type: 'gitlab', url: 'https://git.acme.test/gitlab', project: 'acme/tickets' },
});
const jiraProject = ProjectConfig.parse({
  source: { type: 'github', url: 'https://github.com/acme/app.git' },
  tickets: { type: 'jira', url: 'https://acme.atlassian.net', project: 'PROJ' },
});
const azureProject = ProjectConfig.parse({
  source: { type: 'azurerepos', url: 'https://acme@dev.azure.com/acme/Shop/_git/web' },
  tickets: { type: 'azuredevops', organization: 'acme', project: 'Boards' },
});

describe('broker/upstreams', () => {
  it('names each repository and tracker as its own allow-list takes it, with its provider', () => {
    expect(projectRepositories(gitlabProject)).toEqual({
      source: 'acme/platform/app',
      sourceProvider: 'gitlab',
      tracker: 'acme/tickets',
      trackerProvider: 'gitlab',
    });
    expect(projectRepositories(jiraProject)).toEqual({
      source: 'acme/app',
      sourceProvider: 'github',
      tracker: 'PROJ',
      trackerProvider: 'jira',
    });
    expect(projectRepositories(azureProject)).toEqual({
      source: 'acme/Shop/web',
      sourceProvider: 'azuredevops',
      tracker: 'acme/Boards/',
      trackerProvider: 'azuredevops',
    });
  });

  it("authenticates each REST provider its own way, at the instance's root", () => {
    expect(restUpstream('gitlab', gitlabProject, { gitlabToken: 'glpat' })).toEqual({
      baseUrl: 'https://git.acme.test/gitlab',
      headers: { 'private-token': 'glpat' },
    });
    expect(
      restUpstream('jira', jiraProject, { jiraEmail: 'bot@acme.test', jiraToken: 'api-token' }),
    ).toEqual({
      baseUrl: 'https://acme.atlassian.net',
      headers: { authorization: basic('bot@acme.test', 'api-token') },
    });
    expect(
      restUpstream('jira', jiraProject, { jiraToken: 'pat', jiraUrl: 'https://jira.acme.test/' }),
    ).toEqual({ baseUrl: 'https://jira.acme.test', headers: { authorization: 'Bearer pat' } });
    expect(restUpstream('azuredevops', azureProject, { azureDevOpsToken: 'azpat' })).toEqual({
      baseUrl: 'https://dev.azure.com',
      headers: { authorization: basic('', 'azpat') },
    });
    expect(
      restUpstream('azuredevops', azureProject, { azureDevOpsUrl: 'http://127.0.0.1:9/' }),
    ).toEqual({ baseUrl: 'http://127.0.0.1:9', headers: {} });
  });

  it('refuses a provider the project does not use', () => {
    expect(restUpstream('jira', gitlabProject, { jiraToken: 't' })).toEqual({
      missing: 'a Jira tracker in this project',
    });
    expect(restUpstream('gitlab', jiraProject, { gitlabToken: 't' })).toEqual({
      missing: 'a GitLab source or tracker in this project',
    });
    expect(restUpstream('bitbucket', jiraProject, {})).toEqual({
      missing: 'a bitbucket REST policy',
    });
  });

  it('gives git the host token as the password git would send, without user info in the URL', () => {
    expect(gitUpstream(gitlabProject, { gitlabToken: 'glpat' })).toEqual({
      baseUrl: 'https://git.acme.test/gitlab/acme/platform/app.git',
      headers: { authorization: basic('oauth2', 'glpat') },
    });
    expect(gitUpstream(azureProject, { azureDevOpsToken: 'azpat' })).toEqual({
      baseUrl: 'https://dev.azure.com/acme/Shop/_git/web',
      headers: { authorization: basic('', 'azpat') },
    });
    expect(gitUpstream(jiraProject, { githubToken: 'ghp' })).toEqual({
      baseUrl: 'https://github.com/acme/app.git',
      headers: { authorization: basic('x-access-token', 'ghp') },
    });
  });

  it("serves a local source from its path, resolved against the dispatcher's working directory", () => {
    const local = (path: string) =>
      ProjectConfig.parse({
        source: { type: 'local', path },
        tickets: { type: 'local', path: 'tickets' },
      });
    expect(gitUpstream(local('/srv/repos/app'), { githubToken: 'ghp' })).toEqual({
      local: '/srv/repos/app',
    });
    expect(gitUpstream(local('repos/app/'), {})).toEqual({ local: resolve('repos/app') });
  });
});

describe('broker/rest-proxy jobRestRules', () => {
  const scope = (overrides: Partial<JobScope>): JobScope => ({
    jobId: 'j',
    project: 'app',
    repository: 'acme/app',
    trackerRepository: 'PROJ',
    ticket: 'PROJ-58',
    branch: 'fix/PROJ-58',
    llm: { provider: 'anthropic' },
    budget: {},
    expiresAt: 0,
    ...overrides,
  });
  const allows = (provider: string, s: JobScope, method: string, path: string) =>
    jobRestRules(provider, s).some((rule) => rule.method === method && rule.path.test(path));

  it("gives each provider only its own repository's rules", () => {
    const mixed = scope({ repositoryProvider: 'github', trackerProvider: 'jira' });
    expect(allows('jira', mixed, 'POST', '/rest/api/3/issue/PROJ-58/comment')).toBe(true);
    expect(allows('jira', mixed, 'POST', '/rest/api/3/issue/PROJ-59/comment')).toBe(false);
    expect(allows('github', mixed, 'GET', '/repos/acme/app')).toBe(true);
    // The Jira project key is no GitHub repository, and GitLab serves nothing of this job.
    expect(allows('github', mixed, 'GET', '/repos/PROJ')).toBe(false);
    expect(jobRestRules('gitlab', mixed)).toEqual([]);
  });

  it('reads a scope without providers (minted before) as GitHub only', () => {
    const old = scope({ trackerRepository: 'acme/app', ticket: '58', branch: 'fix/58' });
    expect(allows('github', old, 'GET', '/repos/acme/app/issues/58')).toBe(true);
    expect(jobRestRules('gitlab', old)).toEqual([]);
  });
});
