import { FakeJiraApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adfToText } from '../../jira-api/adf.js';
import { createTracker } from '../registry.js';
import { describeTrackerConformance } from '../tracker.conformance.js';
import type { Tracker } from '../tracker.js';

const EMAIL = 'bot@acme.test';
const TOKEN = 'jira-api-token-123';

function cloudTracker(api: FakeJiraApi, env: NodeJS.ProcessEnv = {}): Tracker {
  return createTracker(
    { type: 'jira', url: api.url, project: 'PROJ', api_version: '3', issue_type: 'Task' },
    { JIRA_EMAIL: EMAIL, JIRA_TOKEN: TOKEN, ...env },
    { maxRetries: 0 },
  );
}

function commentText(body: unknown): string {
  return typeof body === 'string' ? body : adfToText(body);
}

describeTrackerConformance('jira cloud (REST v3, ADF)', async () => {
  const api = await new FakeJiraApi({ email: EMAIL, token: TOKEN }).addProject('PROJ').start();
  return {
    tracker: cloudTracker(api),
    seedTicket: ({ title, body }) =>
      Promise.resolve(api.seedIssue('PROJ', { summary: title, description: body })),
    seedComment: (id, comment) => Promise.resolve(api.seedComment(id, comment)),
    comments: (id) => Promise.resolve(api.comments(id).map((comment) => commentText(comment.body))),
    missingId: 'PROJ-9999',
    namedState: 'In Review',
    isInState: (id, state) => Promise.resolve(api.issue(id)?.status === state),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describeTrackerConformance('jira server (REST v2, wiki text, PAT)', async () => {
  const api = await new FakeJiraApi({ token: TOKEN }).addProject('PROJ').start();
  return {
    tracker: createTracker(
      { type: 'jira', url: api.url, project: 'PROJ', issue_type: 'Task' },
      { JIRA_TOKEN: TOKEN },
      { maxRetries: 0 },
    ),
    seedTicket: ({ title, body }) =>
      Promise.resolve(api.seedIssue('PROJ', { summary: title, description: body })),
    seedComment: (id, comment) => Promise.resolve(api.seedComment(id, comment)),
    comments: (id) => Promise.resolve(api.comments(id).map((comment) => commentText(comment.body))),
    missingId: 'PROJ-9999',
    namedState: 'In Review',
    isInState: (id, state) => Promise.resolve(api.issue(id)?.status === state),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('trackers/jira/jira-tracker', () => {
  let api: FakeJiraApi;

  beforeEach(async () => {
    api = await new FakeJiraApi({ email: EMAIL, token: TOKEN, readOnlyToken: 'read-only' })
      .addProject('PROJ')
      .start();
  });

  afterEach(async () => {
    await api.stop();
  });

  it('resolves PROJ-58, 58 and #58 to the same issue, with Basic auth on REST v3', async () => {
    api.seedIssue('PROJ', { number: 58, summary: 'Sum is wrong', description: 'sum(2, 2) is 5' });
    const tracker = cloudTracker(api);

    const ids = await Promise.all(
      ['PROJ-58', '58', '#58'].map(async (reference) => (await tracker.getTicket(reference))?.id),
    );

    expect(ids).toEqual(['PROJ-58', 'PROJ-58', 'PROJ-58']);
    expect(api.requests[0]?.path).toEqual('/rest/api/3/issue/PROJ-58');
    expect(api.requests[0]?.headers.authorization).toEqual(
      `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`,
    );
    expect(await tracker.getTicket('OTHER-58')).toBeNull();
  });

  it('writes our markdown comments as ADF with the key as a hidden comment property', async () => {
    const key = api.seedIssue('PROJ', { summary: 'x' });

    await cloudTracker(api).ensureComment(key, {
      key: 'agentsmith:PROJ-1:completed',
      body: '## Agent Smith - Completed\n\n**Pull request:** https://x/pr/1\n\n- `src/sum.js`',
    });

    const [comment] = api.comments(key);
    expect(comment?.properties).toEqual([
      { key: 'agentsmith', value: { key: 'agentsmith:PROJ-1:completed' } },
    ]);
    expect(comment?.body).toMatchObject({
      type: 'doc',
      version: 1,
      content: [
        { type: 'heading', attrs: { level: 2 } },
        {
          type: 'paragraph',
          content: [
            { text: 'Pull request:', marks: [{ type: 'strong' }] },
            { text: ' https://x/pr/1' },
          ],
        },
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ text: 'src/sum.js', marks: [{ type: 'code' }] }] },
              ],
            },
          ],
        },
      ],
    });
    expect(JSON.stringify(comment?.body)).not.toContain('agentsmith:');
  });

  it('moves an issue through the transition that leads to the named status', async () => {
    const key = api.seedIssue('PROJ', { summary: 'x', status: 'In Progress' });

    await cloudTracker(api).transitionTicket(key, 'in review');

    expect(api.issue(key)?.status).toEqual('In Review');
    expect(api.server.requestsTo('POST', `/rest/api/3/issue/${key}/transitions`)[0]?.json).toEqual({
      transition: { id: '31' },
    });
  });

  it('names the transitions that exist when the configured one does not', async () => {
    const key = api.seedIssue('PROJ', { summary: 'x' });

    await expect(cloudTracker(api).transitionTicket(key, 'QA Approved')).rejects.toMatchObject({
      code: 'tracker_transition_not_found',
      message: expect.stringMatching(
        /PROJ-1 \(status To Do\) has no transition "QA Approved"; available: "Start Progress" \(to In Progress\), "Review" \(to In Review\), "Resolve" \(to Done\)/,
      ),
    });
    expect(api.issue(key)?.status).toEqual('To Do');
  });

  it('names JIRA_EMAIL/JIRA_TOKEN when the credentials are wrong', async () => {
    api.seedIssue('PROJ', { summary: 'x' });

    await expect(
      cloudTracker(api, { JIRA_TOKEN: 'wrong' }).getTicket('PROJ-1'),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('JIRA_EMAIL/JIRA_TOKEN was rejected'),
    });
  });

  it('says which permissions are missing when a read-only account creates an issue', async () => {
    await expect(
      cloudTracker(api, { JIRA_TOKEN: 'read-only' }).ensureTicket({ title: 'New' }),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining(
        'lacks the Browse, Create, Add Comments and Transition Issues',
      ),
    });
  });

  it('tells a missing project apart from a missing issue', async () => {
    expect(await cloudTracker(api).getTicket('PROJ-77')).toBeNull();
    await expect(
      createTracker(
        { type: 'jira', url: api.url, project: 'GONE', api_version: '3', issue_type: 'Task' },
        { JIRA_EMAIL: EMAIL, JIRA_TOKEN: TOKEN },
        { maxRetries: 0 },
      ).getTicket('GONE-1'),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('project GONE was not found'),
    });
  });

  it('reports rate limiting with Retry-After as retryable', async () => {
    api.rateLimitNext('GET', '/rest/api/3/search/jql', 12);

    await expect(cloudTracker(api).listOpenTickets(20)).rejects.toMatchObject({
      code: 'tracker_request_failed',
      retryable: true,
      message: expect.stringContaining('asked to retry after 12 s'),
    });
  });

  it('needs the site URL from tickets.url or JIRA_URL', () => {
    expect(() => createTracker({ type: 'jira', project: 'PROJ', issue_type: 'Task' }, {})).toThrow(
      'Jira tickets need the site URL: set tickets.url or JIRA_URL.',
    );
  });

  it('finds a keyed comment among more than one page of comments', async () => {
    const key = api.seedIssue('PROJ', { summary: 'busy' });
    const comments = api.issue(key)!.comments;
    for (let index = 0; index < 120; index += 1) {
      comments.push({
        id: String(index + 1),
        body: { type: 'doc', version: 1, content: [] },
        properties: [],
      });
    }
    comments.push({
      id: '500',
      body: { type: 'doc', version: 1, content: [] },
      properties: [{ key: 'agentsmith', value: { key: 'agentsmith:PROJ-1:started' } }],
    });

    const result = await cloudTracker(api).ensureComment(key, {
      key: 'agentsmith:PROJ-1:started',
      body: 'Working',
    });

    expect(result.created).toBe(false);
    expect(api.comments(key)).toHaveLength(121);
    expect(
      api.server
        .requestsTo('GET', `/rest/api/3/issue/${key}/comment`)
        .map((request) => request.query.get('startAt')),
    ).toEqual(['0', '100']);
  });
});
