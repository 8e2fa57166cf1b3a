import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeAzureDevOpsApi,
  FakeGithubApi,
  FakeGitlabApi,
  FakeJiraApi,
  FakeLlmApi,
} from '@agentsmith/testkit';
import { checkGithubWorkflowScope } from './github-token-scopes.js';
import { checkLlmKey, llmEndpoint } from './llm-key-check.js';
import { checkGitHostAccess, checkTrackerAccess } from './provider-access-check.js';

const TOKEN = 'doctor-provider-token-0000000000tokn';
const signal = new AbortController().signal;

let gitlab: FakeGitlabApi;
let jira: FakeJiraApi;
let azure: FakeAzureDevOpsApi;
let github: FakeGithubApi;
let llm: FakeLlmApi;

beforeAll(async () => {
  gitlab = await new FakeGitlabApi({ token: TOKEN }).addProject('group/app').start();
  jira = await new FakeJiraApi({ email: 'bot@example.test', token: TOKEN })
    .addProject('ACME')
    .start();
  azure = await new FakeAzureDevOpsApi({ organization: 'acme', token: TOKEN })
    .addProject('Shop')
    .addRepository('Shop', 'web')
    .start();
  github = await new FakeGithubApi({ token: TOKEN, scopes: ['repo'] })
    .addRepository('org/app')
    .start();
  llm = await FakeLlmApi.start();
  llm.acceptedKey = TOKEN;
});

afterAll(async () => {
  await Promise.all([gitlab.stop(), jira.stop(), azure.stop(), github.stop(), llm.server.stop()]);
});

describe('doctor probes against the fake SaaS servers', () => {
  it('reads a GitLab project, a Jira project and an Azure Boards project with the right token', async () => {
    const env = {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: TOKEN,
      JIRA_URL: jira.url,
      JIRA_EMAIL: 'bot@example.test',
      JIRA_TOKEN: TOKEN,
      AZURE_DEVOPS_TOKEN: TOKEN,
    };
    const results = await Promise.all([
      checkTrackerAccess('gitlab', { type: 'gitlab', project: 'group/app' }, env, { signal }),
      checkTrackerAccess(
        'jira',
        { type: 'jira', url: 'https://acme.atlassian.net', project: 'ACME', issue_type: 'Task' },
        env,
        { signal },
      ),
      checkTrackerAccess(
        'azure',
        {
          type: 'azuredevops',
          url: azure.organizationUrl,
          project: 'Shop',
          work_item_type: 'Task',
        },
        env,
        { signal },
      ),
      checkGitHostAccess(
        'azure repos',
        { type: 'azurerepos', url: `${azure.organizationUrl}/Shop/_git/web` },
        env,
        { signal },
      ),
    ]);
    expect(results.map((result) => [result?.status, result?.detail])).toEqual([
      [
        'ok',
        `GitLab issues of group/app reachable at ${new URL(gitlab.url).host} with GITLAB_TOKEN …tokn`,
      ],
      [
        'ok',
        `Jira project ACME reachable at ${new URL(jira.url).host} with JIRA_EMAIL/JIRA_TOKEN …tokn`,
      ],
      [
        'ok',
        `Azure Boards project Shop reachable at ${new URL(azure.organizationUrl).host} with AZURE_DEVOPS_TOKEN …tokn`,
      ],
      [
        'ok',
        `Azure Repos repository Shop/web reachable at ${new URL(azure.organizationUrl).host} with AZURE_DEVOPS_TOKEN …tokn`,
      ],
    ]);
  });

  it('fails each with the credential to fix when the token is wrong', async () => {
    const wrong = 'wrong-provider-token-000000000wron';
    const env = {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: wrong,
      JIRA_URL: jira.url,
      JIRA_EMAIL: 'bot@example.test',
      JIRA_TOKEN: wrong,
      AZURE_DEVOPS_TOKEN: wrong,
    };
    const results = await Promise.all([
      checkTrackerAccess('gitlab', { type: 'gitlab', project: 'group/app' }, env, { signal }),
      checkTrackerAccess(
        'jira',
        { type: 'jira', url: 'https://acme.atlassian.net', project: 'ACME', issue_type: 'Task' },
        env,
        { signal },
      ),
      checkTrackerAccess(
        'azure',
        {
          type: 'azuredevops',
          url: azure.organizationUrl,
          project: 'Shop',
          work_item_type: 'Task',
        },
        env,
        { signal },
      ),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fail', 'fail', 'fail']);
    expect(results[0]?.fix).toMatch(/^set GITLAB_TOKEN to a valid token/);
    expect(results[1]?.detail).toContain('(401) with JIRA_EMAIL/JIRA_TOKEN …wron');
    expect(results[2]?.fix).toMatch(/^set AZURE_DEVOPS_TOKEN to a valid token/);
  });

  it('fails a GitHub repository the token may read but not push to, not its issues', async () => {
    const readOnly = await new FakeGithubApi({
      token: TOKEN,
      permissions: { pull: true, push: false },
    })
      .addRepository('org/app')
      .start();
    try {
      const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: readOnly.url };
      const url = 'https://github.com/org/app';
      const [host, tickets, writable] = await Promise.all([
        checkGitHostAccess('host', { type: 'github', url }, env, { signal }),
        checkTrackerAccess('tickets', { type: 'github', url }, env, { signal }),
        checkGitHostAccess(
          'host',
          { type: 'github', url },
          { ...env, GITHUB_API_URL: github.url },
          { signal },
        ),
      ]);
      expect(host).toEqual({
        status: 'fail',
        what: 'host',
        detail: 'GitHub repository of org/app is readable but GITHUB_TOKEN …tokn cannot push to it',
        fix: 'give the token write access (Contents and Pull requests: read and write on the repository (classic: repo))',
      });
      expect(tickets.status).toBe('ok');
      expect(writable?.status).toBe('ok');
    } finally {
      await readOnly.stop();
    }
  });

  it('tells a classic token with and without the workflow scope, and a fine-grained one', async () => {
    const classic = await checkGithubWorkflowScope(github.url, TOKEN, { signal });
    expect(classic).toEqual({
      status: 'ok',
      what: 'GitHub token: workflow files',
      detail: 'the classic token has no workflow scope (scopes: repo)',
    });
    const withWorkflow = await new FakeGithubApi({
      token: TOKEN,
      scopes: ['repo', 'workflow'],
    }).start();
    const fineGrained = await new FakeGithubApi({ token: TOKEN }).start();
    try {
      expect((await checkGithubWorkflowScope(withWorkflow.url, TOKEN, { signal })).status).toBe(
        'warn',
      );
      const unknown = await checkGithubWorkflowScope(fineGrained.url, TOKEN, { signal });
      expect(unknown.status).toBe('warn');
      expect(unknown.fix).toContain('Workflows must be "No access"');
    } finally {
      await Promise.all([withWorkflow.stop(), fineGrained.stop()]);
    }
  });

  it('lists the models of OpenAI and Gemini with the key, and fails a refused key', async () => {
    const openai = await checkLlmKey('openai', llmEndpoint('openai', TOKEN, llm.baseUrl), TOKEN, {
      signal,
    });
    const gemini = await checkLlmKey(
      'gemini',
      llmEndpoint('google', TOKEN, llm.server.url),
      TOKEN,
      { signal },
    );
    const refused = await checkLlmKey(
      'gemini',
      llmEndpoint('google', 'bad-key-0000000000000bad', llm.server.url),
      'bad-key-0000000000000bad',
      { signal },
    );
    expect([openai.status, gemini.status, refused.status]).toEqual(['ok', 'ok', 'fail']);
    expect(gemini.detail).toContain('accepted GEMINI_API_KEY …tokn (1 model)');
    expect(refused.fix).toBe('set GEMINI_API_KEY to a valid key of google');
    expect(llm.server.requestsTo('GET', '/v1beta/models')[0]?.headers['x-goog-api-key']).toBe(
      TOKEN,
    );
  });
});
