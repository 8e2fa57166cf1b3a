import { FakeAzureDevOpsApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAzureReposUrl } from '../../azure-devops-api/azure-repos-location.js';
import { describeGitHostConformance } from '../git-host.conformance.js';
import { createGitHost } from '../registry.js';

const TOKEN = 'azure-pat-host';
const PULLS = '/acme/Shop/_apis/git/repositories/web/pullrequests';

function hostFor(api: FakeAzureDevOpsApi, token: string | null = TOKEN) {
  return createGitHost(
    { type: 'azurerepos', url: `${api.organizationUrl}/Shop/_git/web` },
    token === null ? {} : { AZURE_DEVOPS_TOKEN: token },
    { maxRetries: 0 },
  );
}

describeGitHostConformance('azure repos', async () => {
  const api = await new FakeAzureDevOpsApi({ organization: 'acme', token: TOKEN })
    .addProject('Shop')
    .addRepository('Shop', 'web', { defaultBranch: 'develop' })
    .start();
  return {
    host: hostFor(api),
    defaultBranch: 'develop',
    seedPullRequest: ({ head, base, title, body }) => {
      api.seedPullRequest('Shop', 'web', { source: head, target: base, title, description: body });
      return Promise.resolve();
    },
    openPullRequests: () =>
      Promise.resolve(
        api
          .pullRequests('Shop', 'web')
          .filter((pull) => pull.status === 'active')
          .map((pull) => ({
            head: pull.sourceRefName.replace('refs/heads/', ''),
            title: pull.title,
            body: pull.description,
          })),
      ),
    draftHeads: () =>
      Promise.resolve(
        api
          .pullRequests('Shop', 'web')
          .filter((pull) => pull.status === 'active' && pull.isDraft)
          .map((pull) => pull.sourceRefName.replace('refs/heads/', '')),
      ),
    hideNextLookup: () =>
      api.failNext('GET', PULLS, { status: 200, body: { count: 0, value: [] } }),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('git-hosts/azure-repos/azure-repos-git-host', () => {
  let api: FakeAzureDevOpsApi;

  beforeEach(async () => {
    api = await new FakeAzureDevOpsApi({
      organization: 'acme',
      token: TOKEN,
      readOnlyToken: 'read',
    })
      .addProject('Shop')
      .addRepository('Shop', 'web')
      .start();
  });

  afterEach(async () => {
    await api.stop();
  });

  it.each([
    ['https://dev.azure.com/acme/Shop/_git/web', 'https://dev.azure.com/acme', 'Shop', 'web'],
    [
      'https://acme@dev.azure.com/acme/My%20Shop/_git/web.git',
      'https://dev.azure.com/acme',
      'My Shop',
      'web',
    ],
    ['https://acme.visualstudio.com/Shop/_git/web', 'https://acme.visualstudio.com', 'Shop', 'web'],
    [
      'https://tfs.acme.test/tfs/Default/Shop/_git/web',
      'https://tfs.acme.test/tfs/Default',
      'Shop',
      'web',
    ],
  ])('reads %s', (url, organizationUrl, project, repository) => {
    expect(parseAzureReposUrl(url)).toEqual({ organizationUrl, project, repository });
  });

  it('rejects a URL without /_git/', () => {
    expect(() => parseAzureReposUrl('https://dev.azure.com/acme/Shop')).toThrow(
      'Not an Azure Repos URL: https://dev.azure.com/acme/Shop',
    );
  });

  it('opens a pull request with refs/heads names, links to it, and keeps the description under 4000 characters', async () => {
    const { pullRequest } = await hostFor(api).ensurePullRequest({
      head: 'fix/58',
      base: 'main',
      title: 'fix: a (#58)',
      body: 'x'.repeat(5000),
    });

    const sent = api.server.requestsTo('POST', PULLS)[0]?.json as Record<string, string>;
    expect(sent['sourceRefName']).toEqual('refs/heads/fix/58');
    expect(sent['targetRefName']).toEqual('refs/heads/main');
    expect(sent['description']).toHaveLength(4000);
    expect(pullRequest.url).toEqual(
      `${api.organizationUrl}/Shop/_git/web/pullrequest/${pullRequest.number}`,
    );
  });

  it('names AZURE_DEVOPS_TOKEN when it is missing, and the Code scope when it is read-only', async () => {
    await expect(hostFor(api, null).findDefaultBranch()).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('AZURE_DEVOPS_TOKEN is not set'),
    });
    await expect(
      hostFor(api, 'read').ensurePullRequest({
        head: 'fix/1',
        base: 'main',
        title: 't',
        body: 'b',
      }),
    ).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('lacks the Code (Read & write) scope'),
    });
  });

  it('reports a missing repository as not found or hidden from the token', async () => {
    await expect(
      createGitHost(
        { type: 'azurerepos', url: `${api.organizationUrl}/Shop/_git/gone` },
        { AZURE_DEVOPS_TOKEN: TOKEN },
        { maxRetries: 0 },
      ).findDefaultBranch(),
    ).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining(
        'Shop/gone was not found or AZURE_DEVOPS_TOKEN cannot see it',
      ),
    });
  });
});
