import { FakeAzureDevOpsApi } from '@agentsmith/testkit';
import { describe } from 'vitest';
import { createGitHost } from '../git-hosts/registry.js';
import { describeRestAllowList } from '../rest-allow-list.conformance.js';
import { createTracker } from '../trackers/registry.js';
import { azureDevOpsRestAllowList } from './azure-devops-rest-allow-list.js';

const TOKEN = 'azure-allow';
const BASE = '/acme/Shop/_apis';

describe('azure-devops-api/azure-devops-rest-allow-list', () => {
  describeRestAllowList(
    azureDevOpsRestAllowList,
    { repository: 'acme/Shop/web', ticket: '58', branch: 'fix/58' },
    async () => {
      const api = await new FakeAzureDevOpsApi({ organization: 'acme', token: TOKEN })
        .addProject('Shop')
        .addRepository('Shop', 'web')
        .start();
      try {
        api.seedWorkItem('Shop', { id: 58, title: 'Sum is wrong', type: 'Bug' });
        const env = { AZURE_DEVOPS_TOKEN: TOKEN };
        const tracker = createTracker(
          {
            type: 'azuredevops',
            url: api.organizationUrl,
            project: 'Shop',
            work_item_type: 'Task',
          },
          env,
          { maxRetries: 0 },
        );
        const host = createGitHost(
          { type: 'azurerepos', url: `${api.organizationUrl}/Shop/_git/web` },
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
        await tracker.transitionTicket('58', 'Resolved');
        api.server.assertDone();
        return api.requests.map(({ method, path }) => ({ method, path }));
      } finally {
        await api.stop();
      }
    },
    [
      { method: 'GET', path: `${BASE}/wit/workitems/59` },
      { method: 'PATCH', path: `${BASE}/wit/workitems/580` },
      { method: 'DELETE', path: `${BASE}/wit/workitems/58` },
      { method: 'POST', path: `${BASE}/wit/workitems/$Task` },
      { method: 'POST', path: `${BASE}/wit/wiql` },
      { method: 'GET', path: '/acme/Other/_apis/wit/workitems/58' },
      { method: 'POST', path: `${BASE}/git/repositories/api/pullrequests` },
      { method: 'GET', path: `${BASE}/git/repositories` },
      { method: 'PUT', path: `${BASE}/git/repositories/web/pullrequests/1/reviewers/x` },
      { method: 'DELETE', path: `${BASE}/git/repositories/web` },
    ],
  );
});
