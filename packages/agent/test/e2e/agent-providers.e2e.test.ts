import {
  FakeAzureDevOpsApi,
  FakeGithubApi,
  FakeGitlabApi,
  FakeJiraApi,
  FakeLlmApi,
  fixingSumTurns,
  git,
  startGitHttpServer,
  type GitHttpServer,
} from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, sandbox, type Sandbox } from './agent-cli.js';

const FIXED = 'export function sum(a, b) {\n  return a + b;\n}';
const CLAUDE = '{ type: claude, model: claude-test, retry: { max_retries: 0 } }';

/**
 * The agent end to end on the other providers: the built CLI, a scripted LLM, a real git origin
 * behind a git smart-HTTP server that demands the provider's token (so it can only arrive through
 * the credential helper), and the providers' fakes.
 */
describe('agent (GitLab, Jira with GitHub, Azure DevOps)', () => {
  let box: Sandbox;
  let llm: FakeLlmApi;
  let origin: GitHttpServer | undefined;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    box = await sandbox();
    llm = await FakeLlmApi.start();
    llm.script(...fixingSumTurns());
  });
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
    await origin?.stop();
    await llm.stop();
    await box.cleanup();
  });

  const baseEnv = () => ({
    ANTHROPIC_API_KEY: 'sk-ant-e2e-key-0123456789',
    ANTHROPIC_BASE_URL: llm.baseUrl,
    AGENTSMITH_WORKDIR: box.workdir,
  });
  const configure = (source: string, tickets: string) =>
    box.writeConfig(
      [
        'projects:',
        '  demo:',
        `    source: ${source}`,
        `    tickets: ${tickets}`,
        `    agent: ${CLAUDE}`,
      ].join('\n'),
    );

  it('GitLab (self-managed under /gitlab): issue #58 to a merge request, notes, label on completion', async () => {
    const token = 'glpat-e2e-token-0123456789';
    const gitlab = await new FakeGitlabApi({ token, prefix: '/gitlab' })
      .addProject('acme/demo')
      .start();
    stops.push(() => gitlab.stop());
    gitlab.seedIssue('acme/demo', {
      iid: 58,
      title: 'Sum is wrong',
      description: 'sum(2, 2) returns 5.',
    });
    origin = await startGitHttpServer({
      repositories: { 'gitlab/acme/demo.git': box.repo.origin },
      password: token,
    });
    await configure(
      `{ type: gitlab, url: ${origin.url}/gitlab/acme/demo.git }`,
      '{ type: gitlab, project: acme/demo, completed_state: "workflow::review" }',
    );

    const result = await runAgent(
      ['--config', box.configPath, 'fix #58 in demo'],
      { ...baseEnv(), GITLAB_TOKEN: token, GITLAB_URL: gitlab.url },
      box.root,
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await box.repo.showInOrigin('fix/58:src/sum.js')).toBe(FIXED);
    const [mr, ...others] = gitlab.mergeRequests('acme/demo');
    expect(others).toEqual([]);
    expect(mr).toMatchObject({
      sourceBranch: 'fix/58',
      targetBranch: 'main',
      title: 'fix: Sum is wrong (#58)',
    });
    expect(mr?.description).toContain('Fixes #58');
    const notes = gitlab.notes('acme/demo', 58);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('is working on this ticket');
    expect(notes[1]).toContain('https://gitlab.example.com/gitlab/acme/demo/-/merge_requests/1');
    expect(gitlab.issue('acme/demo', 58)?.labels).toEqual(['workflow::review']);
    expect(result.stdout).toContain(
      'Pull request: https://gitlab.example.com/gitlab/acme/demo/-/merge_requests/1',
    );
    expect(origin.requests.some((request) => request.basicAuth === `oauth2:${token}`)).toBe(true);
    expect(origin.requests.every((request) => !request.url.includes(token))).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(token);
    gitlab.server.assertDone();
  });

  it('Jira Cloud tickets with GitHub code: #58 resolves to PROJ-58, to a pull request, ADF comments, moved to In Review', async () => {
    const githubToken = 'ghp_e2e_token_0123456789';
    const jiraToken = 'jira-e2e-token-0123456789';
    const github = await new FakeGithubApi({ token: githubToken })
      .addRepository('acme/demo')
      .start();
    const jira = await new FakeJiraApi({ email: 'bot@acme.test', token: jiraToken })
      .addProject('PROJ')
      .start();
    stops.push(
      () => github.stop(),
      () => jira.stop(),
    );
    jira.seedIssue('PROJ', {
      number: 58,
      summary: 'Sum is wrong',
      description: 'sum(2, 2) returns 5.',
    });
    await configure(
      `{ type: github, url: https://github.com/acme/demo.git, api_url: ${github.url} }`,
      `{ type: jira, url: ${jira.url}, project: PROJ, api_version: "3", completed_state: In Review }`,
    );

    const result = await runAgent(
      ['--config', box.configPath, 'fix #58 in demo'],
      {
        ...baseEnv(),
        GITHUB_TOKEN: githubToken,
        JIRA_EMAIL: 'bot@acme.test',
        JIRA_TOKEN: jiraToken,
        AGENTSMITH_CLONE_URL: `file://${box.repo.origin}`,
      },
      box.root,
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await box.repo.showInOrigin('fix/PROJ-58:src/sum.js')).toBe(FIXED);
    const [pull, ...others] = github.pulls('acme/demo');
    expect(others).toEqual([]);
    expect(pull).toMatchObject({ head: 'fix/PROJ-58', title: 'fix: Sum is wrong (PROJ-58)' });
    expect(pull?.body).toContain(`Ticket: PROJ-58 (${jira.url}/browse/PROJ-58)`);
    expect(pull?.body).not.toContain('Fixes #');
    const comments = jira.comments('PROJ-58');
    expect(comments).toHaveLength(2);
    expect(comments.map((comment) => (comment.body as { type: string }).type)).toEqual([
      'doc',
      'doc',
    ]);
    expect(JSON.stringify(comments[1]?.body)).toContain(
      `https://github.com/acme/demo/pull/${pull?.number}`,
    );
    expect(comments[1]?.properties[0]?.value).toEqual({
      key: `agentsmith:PROJ-58:completed:https://github.com/acme/demo/pull/${pull?.number}`,
    });
    expect(jira.issue('PROJ-58')?.status).toBe('In Review');
    expect(result.stdout + result.stderr).not.toContain(jiraToken);
    jira.server.assertDone();
    github.server.assertDone();
  });

  it('Azure DevOps Boards and Repos: work item 58 to a pull request, comments, closed state discovered', async () => {
    const token = 'azure-e2e-pat-0123456789';
    const azure = await new FakeAzureDevOpsApi({ organization: 'acme', token })
      .addProject('Shop', {
        Issue: [
          { name: 'To Do', category: 'Proposed' },
          { name: 'Doing', category: 'InProgress' },
          { name: 'Done', category: 'Completed' },
        ],
      })
      .addRepository('Shop', 'demo')
      .start();
    stops.push(() => azure.stop());
    azure.seedWorkItem('Shop', {
      id: 58,
      type: 'Issue',
      title: 'Sum is wrong',
      description: '<div>sum(2, 2) returns 5.</div>',
    });
    origin = await startGitHttpServer({
      repositories: { 'demo.git': box.repo.origin },
      password: token,
    });
    await configure(
      `{ type: azurerepos, url: ${azure.organizationUrl}/Shop/_git/demo }`,
      `{ type: azuredevops, url: ${azure.organizationUrl}, project: Shop, completed_state: done }`,
    );

    const result = await runAgent(
      ['--config', box.configPath, 'fix #58 in demo'],
      { ...baseEnv(), AZURE_DEVOPS_TOKEN: token, AGENTSMITH_CLONE_URL: `${origin.url}/demo.git` },
      box.root,
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await box.repo.showInOrigin('fix/58:src/sum.js')).toBe(FIXED);
    const [pull, ...others] = azure.pullRequests('Shop', 'demo');
    expect(others).toEqual([]);
    expect(pull).toMatchObject({
      sourceRefName: 'refs/heads/fix/58',
      targetRefName: 'refs/heads/main',
      title: 'fix: Sum is wrong (#58)',
      status: 'active',
    });
    const comments = azure.workItem(58)?.comments ?? [];
    expect(comments.map((comment) => comment.format)).toEqual(['markdown', 'markdown']);
    expect(comments[1]?.text).toContain(
      `${azure.organizationUrl}/Shop/_git/demo/pullrequest/${pull?.pullRequestId}`,
    );
    expect(azure.workItem(58)?.state).toBe('Done');
    expect(origin.requests.some((request) => request.basicAuth?.endsWith(`:${token}`))).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(token);
    expect(await git(box.repo.origin, 'log', '-1', '--format=%s', 'fix/58')).toBe(
      'fix: Sum is wrong (#58)',
    );
    azure.server.assertDone();
  });
});
