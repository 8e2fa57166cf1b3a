import { FakeJiraApi } from '@agentsmith/testkit';
import { describe } from 'vitest';
import { describeRestAllowList } from '../rest-allow-list.conformance.js';
import { createTracker } from '../trackers/registry.js';
import { jiraRestAllowList } from './jira-rest-allow-list.js';

const TOKEN = 'jira-allow';

describe('jira-api/jira-rest-allow-list', () => {
  describeRestAllowList(
    jiraRestAllowList,
    { repository: 'acme/demo', ticket: 'PROJ-58', branch: 'fix/PROJ-58' },
    async () => {
      const api = await new FakeJiraApi({ email: 'bot@acme.test', token: TOKEN })
        .addProject('PROJ')
        .start();
      try {
        api.seedIssue('PROJ', { number: 58, summary: 'Sum is wrong' });
        const tracker = createTracker(
          { type: 'jira', url: api.url, project: 'PROJ', api_version: '3', issue_type: 'Task' },
          { JIRA_EMAIL: 'bot@acme.test', JIRA_TOKEN: TOKEN },
          { maxRetries: 0 },
        );
        await tracker.getTicket('#58');
        await tracker.getTicket('PROJ-58');
        await tracker.ensureComment('PROJ-58', { key: 'started', body: 'Working' });
        await tracker.ensureComment('PROJ-58', { key: 'started', body: 'Working' });
        await tracker.ensureComment('58', { key: 'completed', body: '## Done' });
        await tracker.transitionTicket('PROJ-58', 'In Review');
        api.server.assertDone();
        return api.requests.map(({ method, path }) => ({ method, path }));
      } finally {
        await api.stop();
      }
    },
    [
      { method: 'GET', path: '/rest/api/3/issue/PROJ-59' },
      { method: 'GET', path: '/rest/api/3/issue/PROJ-580' },
      { method: 'POST', path: '/rest/api/3/issue/OTHER-58/comment' },
      { method: 'POST', path: '/rest/api/3/issue' },
      { method: 'PUT', path: '/rest/api/3/issue/PROJ-58' },
      { method: 'DELETE', path: '/rest/api/3/issue/PROJ-58' },
      { method: 'GET', path: '/rest/api/3/search/jql' },
      { method: 'POST', path: '/rest/api/3/issue/PROJ-59/transitions' },
    ],
  );
});
