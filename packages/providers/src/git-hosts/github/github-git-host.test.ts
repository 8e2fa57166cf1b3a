import { FakeGithubApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHost } from '../registry.js';
import { describeGitHostConformance } from '../git-host.conformance.js';
import type { GitHost } from '../git-host.js';

const REPO = 'org/app';
const TOKEN = 'ghp_host_token';

describeGitHostConformance('github', async () => {
  const api = await new FakeGithubApi({ token: TOKEN })
    .addRepository(REPO, { defaultBranch: 'develop' })
    .start();
  return {
    host: createGitHost(
      { type: 'github', url: 'https://github.com/org/app.git' },
      { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN },
      { maxRetries: 0 },
    ),
    defaultBranch: 'develop',
    seedPullRequest: (pull) => {
      api.seedPullRequest(REPO, pull);
      return Promise.resolve();
    },
    openPullRequests: () =>
      Promise.resolve(
        api
          .pulls(REPO)
          .filter((pull) => pull.state === 'open')
          .map(({ head, title, body }) => ({ head, title, body })),
      ),
    draftHeads: () =>
      Promise.resolve(
        api
          .pulls(REPO)
          .filter((pull) => pull.state === 'open' && pull.draft === true)
          .map((pull) => pull.head),
      ),
    hideNextLookup: () => api.failNext('GET', '/repos/org/app/pulls', { status: 200, body: [] }),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('git-hosts/github/github-git-host', () => {
  let api: FakeGithubApi;
  let host: GitHost;

  beforeEach(async () => {
    api = await new FakeGithubApi({ token: TOKEN })
      .addRepository(REPO, { defaultBranch: 'develop' })
      .start();
    host = createGitHost(
      { type: 'github', url: 'https://github.com/org/app.git' },
      { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN },
      { maxRetries: 0 },
    );
  });

  afterEach(async () => {
    api.server.assertDone();
    await api.stop();
  });

  it('gives the clone URL without credentials and the token for the credential helper', () => {
    expect(host.cloneSource()).toEqual({
      url: 'https://github.com/org/app.git',
      credentials: { username: 'x-access-token', password: TOKEN },
    });
  });

  it('reads the default branch', async () => {
    expect(await host.findDefaultBranch()).toEqual('develop');
  });

  it('creates a pull request once, then updates the same one (idempotent)', async () => {
    const input = { head: 'fix/58', base: 'develop', title: 'fix: crash (#58)', body: 'Fixes #58' };

    const first = await host.ensurePullRequest(input);
    const again = await host.ensurePullRequest(input);
    const updated = await host.ensurePullRequest({ ...input, body: 'Fixes #58\n\n- a.ts' });

    expect(first.created).toEqual(true);
    expect(first.pullRequest).toEqual({
      number: 1,
      url: 'https://github.com/org/app/pull/1',
      head: 'fix/58',
      base: 'develop',
      title: 'fix: crash (#58)',
      body: 'Fixes #58',
      state: 'open',
      draft: false,
    });
    expect(again).toEqual({ pullRequest: first.pullRequest, created: false });
    expect(updated.created).toEqual(false);
    expect(api.pulls(REPO)).toHaveLength(1);
    expect(api.pulls(REPO)[0]?.body).toEqual('Fixes #58\n\n- a.ts');
    expect(api.server.requestsTo('PATCH', '/repos/org/app/pulls/1')).toHaveLength(1);
    expect(api.server.requestsTo('GET', '/repos/org/app/pulls')[0]?.query.get('head')).toEqual(
      'org:fix/58',
    );
  });

  it('finds an existing open pull request for the branch', async () => {
    api.seedPullRequest(REPO, { head: 'fix/7', title: 'old', body: 'old body' });
    api.seedPullRequest(REPO, { head: 'fix/8' });

    const result = await host.ensurePullRequest({
      head: 'fix/7',
      base: 'develop',
      title: 'new',
      body: 'new body',
    });

    expect(result.created).toEqual(false);
    expect(result.pullRequest).toMatchObject({ number: 1, title: 'new', body: 'new body' });
  });

  it('converges when another run opened the pull request between lookup and create (422)', async () => {
    api.seedPullRequest(REPO, { head: 'fix/9', base: 'develop', title: 'theirs', body: 'theirs' });
    // The first lookup does not see it yet, so the create meets GitHub's 422.
    api.failNext('GET', '/repos/org/app/pulls', { status: 200, body: [] });

    const result = await host.ensurePullRequest({
      head: 'fix/9',
      base: 'develop',
      title: 't',
      body: 'b',
    });

    expect(result).toMatchObject({
      created: false,
      pullRequest: { number: 1, title: 't', body: 'b' },
    });
    expect(api.pulls(REPO)).toHaveLength(1);
    expect(api.server.requestsTo('POST', '/repos/org/app/pulls')).toHaveLength(1);
  });

  it('maps a rejected token to source_access_denied naming GITHUB_TOKEN', async () => {
    const denied = createGitHost(
      { type: 'github', url: 'https://github.com/org/app.git' },
      { GITHUB_API_URL: api.url, GITHUB_TOKEN: 'wrong' },
      { maxRetries: 0 },
    );

    await expect(denied.findDefaultBranch()).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('GITHUB_TOKEN'),
    });
  });

  it('needs a token to open a pull request', async () => {
    const anonymous = createGitHost(
      { type: 'github', url: 'https://github.com/org/app.git' },
      { GITHUB_API_URL: api.url },
      { maxRetries: 0 },
    );

    await expect(
      anonymous.ensurePullRequest({ head: 'fix/1', base: 'develop', title: 't', body: 'b' }),
    ).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('GITHUB_TOKEN is not set'),
    });
  });
});
