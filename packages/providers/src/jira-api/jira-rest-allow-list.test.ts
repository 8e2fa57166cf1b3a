import { FakeJiraApi } from '@agentsmith/testkit';
import { describe } from 'vitest';
import { describeRestAllowList } from '../rest-allow-list.conformance.js';
import { createTracker } from '../trackers/registry.js';
import { jiraRestAllowList } from './jira-rest-allow-list.js';

const TOKEN = 'jira-allow';

/** A job's calls on Jira Cloud (v3, e-mail + API token) or Server / Data Center (v2, PAT). */
async function job(version: '2' | '3'): Promise<{ method: string; path: string }[]> {
  const cloud = version === '3';
  const api = await new FakeJiraApi({ ...(cloud ? { email: 'bot@acme.test' } : {}), token: TOKEN })
    .addProject('PROJ')
    .start();
  try {
    api.seedIssue('PROJ', { number: 58, summary: 'Sum is wrong' });
    const tracker = createTracker(
      { type: 'jira', url: api.url, project: 'PROJ', api_version: version, issue_type: 'Task' },
      cloud ? { JIRA_EMAIL: 'bot@acme.test', JIRA_TOKEN: TOKEN } : { JIRA_TOKEN: TOKEN },
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
}

describe('jira-api/jira-rest-allow-list', () => {
  describeRestAllowList(
    jiraRestAllowList,
    { repository: 'acme/demo', ticket: 'PROJ-58', branch: 'fix/PROJ-58' },
    async () => [...(await job('3')), ...(await job('2'))],
    [
      { method: 'GET', path: '/rest/api/3/issue/PROJ-59' },
      { method: 'GET', path: '/rest/api/3/issue/PROJ-580' },
      { method: 'POST', path: '/rest/api/3/issue/OTHER-58/comment' },
      { method: 'POST', path: '/rest/api/3/issue' },
      { method: 'PUT', path: '/rest/api/3/issue/PROJ-58' },
      { method: 'DELETE', path: '/rest/api/3/issue/PROJ-58' },
      { method: 'GET', path: '/rest/api/3/search/jql' },
      { method: 'POST', path: '/rest/api/3/comment/list' },
      { method: 'POST', path: '/rest/api/3/issue/PROJ-59/transitions' },
      { method: 'GET', path: '/rest/api/2/comment/5/properties/other' },
      { method: 'PUT', path: '/rest/api/2/comment/5/properties/agentsmith' },
    ],
  );
});
