import { FakeGitlabApi } from '@agentsmith/testkit';
import { describe } from 'vitest';
import { createGitHost } from '../git-hosts/registry.js';
import { describeRestAllowList } from '../rest-allow-list.conformance.js';
import { createTracker } from '../trackers/registry.js';
import { gitlabRestAllowList } from './gitlab-rest-allow-list.js';

const PROJECT = 'acme/platform/app';
const TOKEN = 'glpat-allow';
const API = '/gitlab/api/v4/projects/acme%2Fplatform%2Fapp';

describe('gitlab-api/gitlab-rest-allow-list', () => {
  describeRestAllowList(
    gitlabRestAllowList,
    { repository: PROJECT, ticket: '58', branch: 'fix/58' },
    async () => {
      const api = await new FakeGitlabApi({ token: TOKEN, prefix: '/gitlab' })
        .addProject(PROJECT)
        .start();
      try {
        api.seedIssue(PROJECT, { iid: 58, title: 'Sum is wrong' });
        const env = { GITLAB_URL: api.url, GITLAB_TOKEN: TOKEN };
        const tracker = createTracker({ type: 'gitlab', project: PROJECT }, env, { maxRetries: 0 });
        const host = createGitHost(
          { type: 'gitlab', url: `https://git.acme.test/gitlab/${PROJECT}.git` },
          env,
          {
            maxRetries: 0,
          },
        );
        await tracker.getTicket('#58');
        await tracker.ensureComment('58', { key: 'started', body: 'Working' });
        await host.findDefaultBranch();
        const input = { head: 'fix/58', base: 'main', title: 't', body: 'b' };
        await host.ensurePullRequest(input);
        await host.ensurePullRequest({ ...input, body: 'changed' });
        await tracker.ensureComment('58', { key: 'completed', body: 'Done' });
        await tracker.transitionTicket('58', 'in review');
        await tracker.transitionTicket('58', 'done');
        api.server.assertDone();
        return api.requests.map(({ method, path }) => ({ method, path }));
      } finally {
        await api.stop();
      }
    },
    [
      { method: 'GET', path: '/gitlab/api/v4/projects/acme%2Fother/issues/58' },
      { method: 'GET', path: `${API}/issues/59` },
      { method: 'POST', path: `${API}/issues/59/notes` },
      { method: 'PUT', path: `${API}/merge_requests/1/merge` },
      { method: 'DELETE', path: `${API}/issues/58` },
      { method: 'POST', path: `${API}/issues` },
      { method: 'GET', path: `${API}/repository/files/secrets.env` },
      {
        method: 'POST',
        path: '/api/v4/projects/acme%2Fother/x/api/v4/projects/acme%2Fplatform%2Fapp/issues/58/notes',
      },
    ],
  );
});
