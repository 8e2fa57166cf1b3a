import { FakeGithubApi } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHost } from '../git-hosts/registry.js';
import type { RestRule } from '../rest-policy.js';
import { createTracker } from '../trackers/registry.js';
import { githubRestAllowList } from './github-rest-allow-list.js';

const REPO = 'org/app';
const TOKEN = 'ghp_allow_list';
const rules = githubRestAllowList({ repository: REPO, ticket: '58', branch: 'fix/58' });
const allowed = (method: string, path: string) =>
  rules.some((rule: RestRule) => rule.method === method && rule.path.test(path));

describe('github-api/github-rest-allow-list', () => {
  let api: FakeGithubApi;

  beforeAll(async () => {
    api = await new FakeGithubApi({ token: TOKEN }).addRepository(REPO).start();
    api.seedIssue(REPO, { title: 'Sum is wrong', number: 58 });
  });
  afterAll(async () => {
    await api.stop();
  });

  it("allows every request the agent's GitHub tracker and git host make for a job", async () => {
    const env = { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN };
    const tracker = createTracker({ type: 'github', url: `https://github.com/${REPO}` }, env, {
      maxRetries: 0,
    });
    const host = createGitHost({ type: 'github', url: `https://github.com/${REPO}.git` }, env, {
      maxRetries: 0,
    });
    await tracker.getTicket('58');
    await tracker.ensureComment('58', { key: 'started', body: 'Working on it' });
    await host.findDefaultBranch();
    await host.ensurePullRequest({ head: 'fix/58', base: 'main', title: 'Fix #58', body: 'a' });
    await host.ensurePullRequest({ head: 'fix/58', base: 'main', title: 'Fix #58', body: 'b' });

    const made = api.requests.map((request) => `${request.method} ${request.path}`);
    expect(made.length).toBeGreaterThan(5);
    expect(made.filter((request) => !allowed(...(request.split(' ') as [string, string])))).toEqual(
      [],
    );
  });

  it.each([
    ['GET', '/repos/org/other'],
    ['GET', '/repos/org/app-fork'],
    ['GET', '/repos/org/app/issues/59'],
    ['GET', '/repos/org/app/issues/580'],
    ['POST', '/repos/org/app/issues/5/comments'],
    ['PATCH', '/repos/org/app/issues/58'],
    ['PUT', '/repos/org/app/pulls/1/merge'],
    ['DELETE', '/repos/org/app/git/refs/heads/main'],
    ['DELETE', '/repos/org/app'],
    ['POST', '/repos/org/app/issues'],
    ['GET', '/repos/org/app/contents/README.md'],
    ['POST', '/repos/org/app/releases'],
    ['PATCH', '/repos/org/app'],
    ['GET', '/user'],
  ])('refuses %s %s', (method, path) => {
    expect(allowed(method, path)).toBe(false);
  });

  it('treats dots in names literally', () => {
    const dotted = githubRestAllowList({ repository: 'org/a.b', ticket: '1', branch: 'fix/1' });
    expect(dotted.some((rule) => rule.path.test('/repos/org/aXb'))).toBe(false);
    expect(dotted.some((rule) => rule.path.test('/repos/org/a.b'))).toBe(true);
  });
});
