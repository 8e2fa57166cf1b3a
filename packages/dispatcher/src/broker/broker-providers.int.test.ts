import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';
import { createGitHost, createTracker } from '@agentsmith/providers';
import { FakeAzureDevOpsApi, FakeGitlabApi, FakeJiraApi } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../../test/support/broker-fixture.js';

/**
 * GitLab, Jira and Azure DevOps through the broker, as a spawned agent uses them: the providers'
 * real adapters, configured as composition/broker-access.ts configures them in job mode (the
 * broker's `/rest/<provider>` as base URL, the job token as credential), against the fakes.
 */

/** What a fake saw: only the real credential, never the job token. */
function authorizations(requests: { headers: Record<string, unknown> }[], header: string) {
  return new Set(requests.map((request) => request.headers[header]));
}

async function refusalOf(response: Response): Promise<{ message: string; refused: string }> {
  expect(response.status).toBe(403);
  return (await response.json()) as { message: string; refused: string };
}

describe('broker REST proxy: GitLab', () => {
  const REAL = 'glpat-real-never-in-an-agent';
  let gitlab: FakeGitlabApi;
  let fixture: BrokerFixture;
  let token: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    gitlab = await new FakeGitlabApi({ token: REAL })
      .addProject('acme/app')
      .addProject('acme/secret')
      .start();
    gitlab.seedIssue('acme/app', { iid: 58, title: 'Fix the sum' });
    gitlab.seedIssue('acme/secret', { iid: 58, title: 'Secret plans' });
    fixture = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'gitlab', url: 'https://gitlab.com/acme/app.git' },
          tickets: { type: 'gitlab', project: 'acme/app' },
        },
      },
      credentials: { gitlabToken: REAL, gitlabUrl: gitlab.url },
    });
    token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
    env = { GITLAB_URL: `${fixture.broker.url}/rest/gitlab`, GITLAB_TOKEN: token };
  });
  afterAll(async () => {
    await fixture.close();
    await gitlab.stop();
  });

  it('reads the ticket, comments and opens the merge request with the real token only', async () => {
    const tracker = createTracker({ type: 'gitlab', project: 'acme/app' }, env, { maxRetries: 0 });
    expect((await tracker.getTicket('#58'))?.title).toBe('Fix the sum');
    expect(await tracker.ensureComment('58', { key: 'started', body: 'On it' })).toEqual({
      created: true,
    });
    expect(await tracker.ensureComment('58', { key: 'started', body: 'On it' })).toEqual({
      created: false,
    });
    const host = createGitHost({ type: 'gitlab', url: 'https://gitlab.com/acme/app.git' }, env, {
      maxRetries: 0,
    });
    // A draft (unfinished work) too: GitLab marks it by the title's prefix.
    const input = { head: 'fix/58', base: 'main', title: 'Fix #58', body: 'b', draft: true };
    await host.ensurePullRequest(input);
    await host.ensurePullRequest({ ...input, body: 'changed' });
    expect(gitlab.notes('acme/app', 58)).toHaveLength(1);
    expect(
      gitlab.mergeRequests('acme/app').map((request) => [request.title, request.description]),
    ).toEqual([['Draft: Fix #58', 'changed']]);
    expect(authorizations(gitlab.requests, 'private-token')).toEqual(new Set([REAL]));
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${fixture.broker.url}/rest/gitlab/api/v4${path}`, {
      method,
      headers: { 'private-token': token, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it.each([
    ['GET', '/projects/acme%2Fsecret/issues/58', undefined],
    ['POST', '/projects/acme%2Fapp/issues/59/notes', { body: 'spam' }],
    ['PUT', '/projects/acme%2Fapp/merge_requests/1/merge', {}],
    ['DELETE', '/projects/acme%2Fapp', undefined],
  ])('refuses %s %s with a 403 naming it, before GitLab sees it', async (method, path, body) => {
    const before = gitlab.requests.length;
    const answer = await refusalOf(await call(method, path, body));
    expect(answer.refused).toBe(`${method} /api/v4${path}`);
    expect(answer.message).toContain(`${method} /api/v4${path}`);
    expect(gitlab.requests.length).toBe(before);
  });

  it("refuses a merge request from another branch and editing one that is not the job's", async () => {
    const other = gitlab.seedMergeRequest('acme/app', { sourceBranch: 'feature/x' });
    const opened = await call('POST', '/projects/acme%2Fapp/merge_requests', {
      source_branch: 'main',
      target_branch: 'release',
      title: 't',
    });
    expect((await refusalOf(opened)).message).toContain("job's branch fix/58 as its source");
    const edited = await call('PUT', `/projects/acme%2Fapp/merge_requests/${other}`, {
      title: 'mine now',
    });
    expect((await refusalOf(edited)).message).toContain(`merge request ${other} is not`);
    const closed = await call('PUT', `/projects/acme%2Fapp/merge_requests/${other}`, {
      state_event: 'close',
    });
    expect((await refusalOf(closed)).message).toContain('state_event');
  });

  it('refuses a write whose query smuggles fields GitLab would merge into the body', async () => {
    const iid = gitlab
      .mergeRequests('acme/app')
      .find((request) => request.sourceBranch === 'fix/58')?.iid;
    expect(iid).toBeDefined();
    const before = gitlab.requests.length;
    const smuggled = await call(
      'PUT',
      `/projects/acme%2Fapp/merge_requests/${iid}?target_branch=main&state_event=close`,
      { title: 'x' },
    );
    expect((await refusalOf(smuggled)).message).toContain('query parameter target_branch');
    expect(gitlab.requests.length).toBe(before);
  });

  it('lets the ticket be closed or labelled, and nothing else changed', async () => {
    expect(
      (await call('PUT', '/projects/acme%2Fapp/issues/58', { add_labels: 'done' })).status,
    ).toBe(200);
    const before = gitlab.requests.length;
    const retitled = await call('PUT', '/projects/acme%2Fapp/issues/58', {
      state_event: 'close',
      title: 'pwned',
      assignee_ids: [1],
    });
    expect((await refusalOf(retitled)).message).toContain('title, assignee_ids');
    expect(gitlab.requests.length).toBe(before);
  });

  it('refuses an encoded slash that walks out of the project', async () => {
    const walked = await call('GET', '/projects/acme%2F..%2Fsecret/issues/58');
    expect(walked.status).toBe(400);
  });
});

describe('broker REST proxy: Jira Cloud', () => {
  const EMAIL = 'bot@acme.test';
  const REAL = 'jira-real-never-in-an-agent';
  let jira: FakeJiraApi;
  let fixture: BrokerFixture;
  let token: string;

  beforeAll(async () => {
    jira = await new FakeJiraApi({ email: EMAIL, token: REAL }).addProject('PROJ').start();
    jira.addProject('OTHER');
    jira.seedIssue('PROJ', { number: 58, summary: 'Fix the sum' });
    jira.seedIssue('PROJ', { number: 59, summary: 'Someone else' });
    jira.seedIssue('OTHER', { number: 58, summary: 'Secret plans' });
    fixture = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'github', url: 'https://github.com/acme/app.git' },
          // *.atlassian.net: the agent speaks REST v3 although its site is the broker.
          tickets: { type: 'jira', url: 'https://acme.atlassian.net', project: 'PROJ' },
        },
      },
      credentials: { jiraUrl: jira.url, jiraEmail: EMAIL, jiraToken: REAL },
    });
    token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
  });
  afterAll(async () => {
    await fixture.close();
    await jira.stop();
  });

  it('reads the ticket and comments with e-mail and API token, never the job token', async () => {
    const tracker = createTracker(
      { type: 'jira', url: 'https://acme.atlassian.net', project: 'PROJ', issue_type: 'Task' },
      { JIRA_URL: `${fixture.broker.url}/rest/jira`, JIRA_TOKEN: token },
      { maxRetries: 0 },
    );
    expect((await tracker.getTicket('58'))?.title).toBe('Fix the sum');
    expect(await tracker.ensureComment('PROJ-58', { key: 'started', body: 'On it' })).toEqual({
      created: true,
    });
    expect(await tracker.ensureComment('58', { key: 'started', body: 'On it' })).toEqual({
      created: false,
    });
    expect(jira.comments('PROJ-58')).toHaveLength(1);
    expect(jira.requests.every((request) => request.path.startsWith('/rest/api/3/'))).toBe(true);
    const basic = `Basic ${Buffer.from(`${EMAIL}:${REAL}`).toString('base64')}`;
    expect(authorizations(jira.requests, 'authorization')).toEqual(new Set([basic]));
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${fixture.broker.url}/rest/jira/rest/api/3${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it.each([
    ['GET', '/issue/OTHER-58', undefined],
    ['POST', '/issue/PROJ-59/comment', { body: 'spam' }],
    ['PUT', '/issue/PROJ-58', { fields: { summary: 'changed' } }],
    ['DELETE', '/issue/PROJ-58', undefined],
    ['GET', '/search/jql', undefined],
  ])('refuses %s %s with a 403 naming it, before Jira sees it', async (method, path, body) => {
    const before = jira.requests.length;
    const answer = await refusalOf(await call(method, path, body));
    expect(answer.refused).toBe(`${method} /rest/api/3${path}`);
    expect(answer.message).toContain(`${method} /rest/api/3${path}`);
    expect(jira.requests.length).toBe(before);
  });
});

describe('broker REST proxy: Azure DevOps', () => {
  const REAL = 'azure-pat-never-in-an-agent';
  let azure: FakeAzureDevOpsApi;
  let fixture: BrokerFixture;
  let token: string;
  let env: NodeJS.ProcessEnv;
  const source = { type: 'azurerepos', url: 'https://dev.azure.com/acme/Shop/_git/web' } as const;
  const tickets = {
    type: 'azuredevops',
    organization: 'acme',
    project: 'Shop',
    work_item_type: 'Task',
  } as const;

  beforeAll(async () => {
    azure = await new FakeAzureDevOpsApi({ organization: 'acme', token: REAL })
      .addProject('Shop')
      .addProject('Other')
      .addRepository('Shop', 'web')
      .start();
    azure.seedWorkItem('Shop', { id: 58, title: 'Fix the sum', type: 'Bug' });
    azure.seedWorkItem('Other', { id: 60, title: 'Secret plans', type: 'Bug' });
    fixture = await startBrokerFixture({
      projects: { app: { source, tickets } },
      credentials: {
        azureDevOpsToken: REAL,
        azureDevOpsUrl: azure.organizationUrl.replace(/\/acme$/, ''),
      },
    });
    token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
    env = { AZURE_DEVOPS_URL: `${fixture.broker.url}/rest/azuredevops`, AZURE_DEVOPS_TOKEN: token };
  });
  afterAll(async () => {
    await fixture.close();
    await azure.stop();
  });

  it('reads the work item, comments and opens the pull request with the real PAT only', async () => {
    const tracker = createTracker(tickets, env, { maxRetries: 0 });
    expect((await tracker.getTicket('#58'))?.title).toBe('Fix the sum');
    expect(await tracker.ensureComment('58', { key: 'started', body: 'On it' })).toEqual({
      created: true,
    });
    expect(await tracker.ensureComment('58', { key: 'started', body: 'On it' })).toEqual({
      created: false,
    });
    const host = createGitHost(source, env, { maxRetries: 0 });
    const input = { head: 'fix/58', base: 'main', title: 'Fix #58', body: 'b', draft: true };
    await host.ensurePullRequest(input);
    await host.ensurePullRequest({ ...input, body: 'changed' });
    expect(azure.workItem(58)?.comments).toHaveLength(1);
    expect(
      azure.pullRequests('Shop', 'web').map((pull) => [pull.description, pull.isDraft]),
    ).toEqual([['changed', true]]);
    const basic = `Basic ${Buffer.from(`:${REAL}`).toString('base64')}`;
    expect(authorizations(azure.requests, 'authorization')).toEqual(new Set([basic]));
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${fixture.broker.url}/rest/azuredevops${path}?api-version=7.1`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it.each([
    ['GET', '/acme/Other/_apis/wit/workitems/60', undefined],
    ['POST', '/acme/Shop/_apis/wit/workitems/59/comments', { text: 'spam' }],
    ['DELETE', '/acme/Shop/_apis/wit/workitems/58', undefined],
    ['POST', '/acme/Shop/_apis/wit/wiql', { query: 'select' }],
  ])('refuses %s %s with a 403 naming it, before Azure sees it', async (method, path, body) => {
    const before = azure.requests.length;
    const answer = await refusalOf(await call(method, path, body));
    expect(answer.refused).toBe(`${method} ${path}`);
    expect(answer.message).toContain(`${method} ${path}`);
    expect(azure.requests.length).toBe(before);
  });

  it('lets the work item patch only its state, without bypassRules', async () => {
    const item = '/acme/Shop/_apis/wit/workitems/58';
    const patch = (query: string, operations: unknown) =>
      fetch(`${fixture.broker.url}/rest/azuredevops${item}?${query}`, {
        method: 'PATCH',
        headers: {
          authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}`,
          'content-type': 'application/json-patch+json',
        },
        body: JSON.stringify(operations),
      });
    const state = [{ op: 'add', path: '/fields/System.State', value: 'Active' }];
    expect((await patch('api-version=7.1', state)).status).toBe(200);
    const before = azure.requests.length;
    const retitled = await patch('api-version=7.1', [
      ...state,
      { op: 'add', path: '/fields/System.AssignedTo', value: 'mallory' },
    ]);
    expect((await refusalOf(retitled)).message).toContain('/fields/System.State');
    const bypass = await patch('api-version=7.1&bypassRules=true', state);
    expect((await refusalOf(bypass)).message).toContain('query parameter bypassRules');
    expect(azure.requests.length).toBe(before);
  });

  it("refuses completing (merging) a pull request and editing one that is not the job's", async () => {
    const ownId = azure.pullRequests('Shop', 'web')[0]?.pullRequestId;
    const other = azure.seedPullRequest('Shop', 'web', { source: 'feature/x' });
    const route = '/acme/Shop/_apis/git/repositories/web/pullrequests';
    const merged = await call('PATCH', `${route}/${ownId}`, { status: 'completed' });
    expect((await refusalOf(merged)).message).toContain('status');
    const edited = await call('PATCH', `${route}/${other}`, { title: 'mine now' });
    expect((await refusalOf(edited)).message).toContain(`pull request ${other} is not`);
    const opened = await call('POST', route, {
      sourceRefName: 'refs/heads/main',
      targetRefName: 'refs/heads/release',
      title: 't',
    });
    expect((await refusalOf(opened)).message).toContain('refs/heads/fix/58');
  });
});
