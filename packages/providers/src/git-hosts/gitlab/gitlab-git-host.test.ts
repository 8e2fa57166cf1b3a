import { FakeGitlabApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeGitHostConformance } from '../git-host.conformance.js';
import { createGitHost } from '../registry.js';

const PROJECT = 'acme/platform/app';
const TOKEN = 'glpat-host-token';
const MERGE_REQUESTS = `/projects/${encodeURIComponent(PROJECT)}/merge_requests`;

describeGitHostConformance('gitlab (self-managed under /gitlab)', async () => {
  const api = await new FakeGitlabApi({ token: TOKEN, prefix: '/gitlab' })
    .addProject(PROJECT, { defaultBranch: 'develop' })
    .start();
  return {
    host: createGitHost(
      {
        type: 'gitlab',
        url: `https://git.acme.test/gitlab/${PROJECT}.git`,
        api_url: `${api.url}/api/v4`,
      },
      { GITLAB_TOKEN: TOKEN },
      { maxRetries: 0 },
    ),
    defaultBranch: 'develop',
    seedPullRequest: ({ head, base, title, body }) => {
      api.seedMergeRequest(PROJECT, {
        sourceBranch: head,
        targetBranch: base,
        title,
        description: body,
      });
      return Promise.resolve();
    },
    openPullRequests: () =>
      Promise.resolve(
        api
          .mergeRequests(PROJECT)
          .filter((mr) => mr.state === 'opened')
          .map((mr) => ({ head: mr.sourceBranch, title: mr.title, body: mr.description })),
      ),
    draftHeads: () =>
      Promise.resolve(
        api
          .mergeRequests(PROJECT)
          .filter((mr) => mr.state === 'opened' && mr.title.startsWith('Draft: '))
          .map((mr) => mr.sourceBranch),
      ),
    hideNextLookup: () => api.failNext('GET', MERGE_REQUESTS, { status: 200, body: [] }),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('git-hosts/gitlab/gitlab-git-host', () => {
  let api: FakeGitlabApi;

  beforeEach(async () => {
    api = await new FakeGitlabApi({ token: TOKEN, readOnlyToken: 'glpat-read', prefix: '/gitlab' })
      .addProject(PROJECT)
      .start();
  });

  afterEach(async () => {
    await api.stop();
  });

  const hostWith = (env: NodeJS.ProcessEnv) =>
    createGitHost(
      { type: 'gitlab', url: `https://git.acme.test/gitlab/${PROJECT}.git` },
      { GITLAB_URL: api.url, ...env },
      { maxRetries: 0 },
    );

  it('reads the project path under the instance prefix and gives git the token as oauth2', async () => {
    const host = hostWith({ GITLAB_TOKEN: TOKEN });

    expect(await host.findDefaultBranch()).toEqual('main');
    expect(api.requests[0]?.path).toEqual('/gitlab/api/v4/projects/acme%2Fplatform%2Fapp');
    expect(host.cloneSource()).toEqual({
      url: `https://git.acme.test/gitlab/${PROJECT}.git`,
      credentials: { username: 'oauth2', password: TOKEN },
    });
  });

  it("takes the project path after api_url's prefix when GITLAB_URL is elsewhere (the broker)", async () => {
    const broker = await new FakeGitlabApi({ token: TOKEN, prefix: '/rest/gitlab' })
      .addProject(PROJECT)
      .start();
    try {
      const host = createGitHost(
        {
          type: 'gitlab',
          url: `https://git.acme.test/gitlab/${PROJECT}.git`,
          api_url: 'https://git.acme.test/gitlab/api/v4',
        },
        { GITLAB_URL: broker.url, GITLAB_TOKEN: TOKEN },
        { maxRetries: 0 },
      );
      expect(await host.findDefaultBranch()).toEqual('main');
      expect(broker.requests[0]?.path).toEqual(
        '/rest/gitlab/api/v4/projects/acme%2Fplatform%2Fapp',
      );
    } finally {
      await broker.stop();
    }
  });

  it('opens the merge request with GitLab field names and returns its web URL', async () => {
    const { pullRequest } = await hostWith({ GITLAB_TOKEN: TOKEN }).ensurePullRequest({
      head: 'fix/58',
      base: 'main',
      title: 'fix: a (#58)',
      body: 'Fixes #58',
    });

    expect(api.server.requestsTo('POST', `/gitlab/api/v4${MERGE_REQUESTS}`)[0]?.json).toEqual({
      source_branch: 'fix/58',
      target_branch: 'main',
      title: 'fix: a (#58)',
      description: 'Fixes #58',
    });
    expect(pullRequest.url).toEqual(
      'https://gitlab.example.com/gitlab/acme/platform/app/-/merge_requests/1',
    );
  });

  it('names GITLAB_TOKEN when it is missing for a private project', async () => {
    await expect(hostWith({}).findDefaultBranch()).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('GITLAB_TOKEN is not set'),
    });
  });

  it('says the token lacks permission when a read-only token opens a merge request', async () => {
    await expect(
      hostWith({ GITLAB_TOKEN: 'glpat-read' }).ensurePullRequest({
        head: 'fix/1',
        base: 'main',
        title: 't',
        body: 'b',
      }),
    ).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining(
        'denied permission to open a merge request from fix/1 into main',
      ),
    });
  });

  it('explains that a URL with only one path segment is not a project', () => {
    expect(() => createGitHost({ type: 'gitlab', url: 'https://gitlab.com/app.git' }, {})).toThrow(
      'Not a GitLab project URL: https://gitlab.com/app.git',
    );
  });
});
