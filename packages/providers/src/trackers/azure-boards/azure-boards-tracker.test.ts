import { FakeAzureDevOpsApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { textToHtml } from '../../azure-devops-api/html-text.js';
import { createTracker } from '../registry.js';
import { describeTrackerConformance } from '../tracker.conformance.js';
import type { Tracker } from '../tracker.js';

const TOKEN = 'azure-pat-123';

function trackerFor(
  api: FakeAzureDevOpsApi,
  token: string | null = TOKEN,
  project = 'Shop',
): Tracker {
  return createTracker(
    { type: 'azuredevops', url: api.organizationUrl, project, work_item_type: 'Task' },
    token === null ? {} : { AZURE_DEVOPS_TOKEN: token },
    { maxRetries: 0 },
  );
}

describeTrackerConformance('azure boards', async () => {
  const api = await new FakeAzureDevOpsApi({ organization: 'acme', token: TOKEN })
    .addProject('Shop')
    .start();
  return {
    tracker: trackerFor(api),
    seedTicket: ({ title, body }) =>
      Promise.resolve(String(api.seedWorkItem('Shop', { title, description: textToHtml(body) }))),
    seedComment: (id, comment) => Promise.resolve(api.seedComment(Number(id), comment)),
    comments: (id) =>
      Promise.resolve(api.workItem(Number(id))?.comments.map((comment) => comment.text) ?? []),
    missingId: '9999',
    namedState: 'Active',
    isInState: (id, state) => Promise.resolve(api.workItem(Number(id))?.state === state),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('trackers/azure-boards/azure-boards-tracker', () => {
  let api: FakeAzureDevOpsApi;

  beforeEach(async () => {
    api = await new FakeAzureDevOpsApi({
      organization: 'acme',
      token: TOKEN,
      readOnlyToken: 'read-only',
    })
      .addProject('Shop')
      .start();
  });

  afterEach(async () => {
    await api.stop();
  });

  it('sends the PAT as Basic auth with an api-version, and reads HTML descriptions as text', async () => {
    const id = api.seedWorkItem('Shop', {
      title: 'Checkout fails',
      description: '<div>Steps:</div><div>1. pay &amp; wait</div>',
      type: 'Bug',
    });

    const ticket = await trackerFor(api).getTicket(String(id));

    expect(ticket).toMatchObject({
      id: String(id),
      title: 'Checkout fails',
      body: 'Steps:\n1. pay & wait',
      state: 'open',
    });
    expect(ticket?.url).toEqual(`${api.organizationUrl}/Shop/_workitems/edit/${id}`);
    const [request] = api.requests;
    expect(request?.headers.authorization).toEqual(
      `Basic ${Buffer.from(`:${TOKEN}`).toString('base64')}`,
    );
    expect(request?.query.get('api-version')).toEqual('7.1');
    expect(request?.headers['x-tfs-fedauthredirect']).toEqual('Suppress');
  });

  it('closes through the Completed state of each type, discovered from the type (Basic process: Done)', async () => {
    await api.stop();
    api = await new FakeAzureDevOpsApi({ organization: 'acme', token: TOKEN })
      .addProject('Basic', {
        Issue: [
          { name: 'To Do', category: 'Proposed' },
          { name: 'Doing', category: 'InProgress' },
          { name: 'Done', category: 'Completed' },
        ],
      })
      .start();
    const id = api.seedWorkItem('Basic', { title: 'x', type: 'Issue' });
    const open = api.seedWorkItem('Basic', { title: 'y', type: 'Issue' });
    const tracker = trackerFor(api, TOKEN, 'Basic');

    await tracker.transitionTicket(String(id), 'done');

    expect(api.workItem(id)?.state).toEqual('Done');
    expect(await tracker.listOpenTickets(20)).toMatchObject({
      total: 1,
      tickets: [{ id: String(open) }],
    });
    const wiql = api.server.requestsTo('POST', '/acme/Basic/_apis/wit/wiql')[0]?.json as {
      query: string;
    };
    expect(wiql.query).toContain("NOT IN ('Done')");
  });

  it('names the states that exist when the work item type lacks the configured one', async () => {
    const id = api.seedWorkItem('Shop', { title: 'x', type: 'Bug' });

    await expect(trackerFor(api).transitionTicket(String(id), 'In Review')).rejects.toMatchObject({
      code: 'tracker_state_not_found',
      message:
        'Work item type "Bug" of Shop has no state "In Review" (states: New (Proposed), Active (InProgress), Resolved (Resolved), Closed (Completed)). Fix tickets.completed_state.',
    });
  });

  it('says so when a work item type has no Completed state to close into', async () => {
    await api.stop();
    api = await new FakeAzureDevOpsApi({ organization: 'acme', token: TOKEN })
      .addProject('Odd', {
        Ticket: [
          { name: 'Open', category: 'Proposed' },
          { name: 'Gone', category: 'Removed' },
        ],
      })
      .start();
    const id = api.seedWorkItem('Odd', { title: 'x', type: 'Ticket' });

    await expect(
      trackerFor(api, TOKEN, 'Odd').transitionTicket(String(id), 'done'),
    ).rejects.toMatchObject({
      code: 'tracker_state_not_found',
      message: expect.stringContaining(
        'Work item type "Ticket" of Odd has no state in the Completed category',
      ),
    });
  });

  it('creates work items with JSON Patch and comments in markdown', async () => {
    const { ticket } = await trackerFor(api).ensureTicket({ title: 'New', description: 'a < b' });
    await trackerFor(api).ensureComment(ticket.id, { key: 'k', body: '**bold**' });

    const create = api.server.requestsTo('POST', '/acme/Shop/_apis/wit/workitems/$Task')[0];
    expect(create?.headers['content-type']).toEqual('application/json-patch+json');
    expect(create?.json).toEqual([
      { op: 'add', path: '/fields/System.Title', value: 'New' },
      { op: 'add', path: '/fields/System.Description', value: 'a &lt; b' },
    ]);
    expect(api.workItem(Number(ticket.id))?.comments[0]).toMatchObject({ format: 'markdown' });
  });

  it('names AZURE_DEVOPS_TOKEN when the PAT is rejected, and the scope when it is read-only', async () => {
    const id = String(api.seedWorkItem('Shop', { title: 'x' }));

    await expect(trackerFor(api, 'wrong').getTicket(id)).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('AZURE_DEVOPS_TOKEN was rejected'),
    });
    await expect(
      trackerFor(api, 'read-only').ensureComment(id, { key: 'k', body: 'x' }),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('lacks the Work Items (Read & write) scope'),
    });
  });

  it('tells a missing project apart from a missing work item', async () => {
    expect(await trackerFor(api).getTicket('404')).toBeNull();
    await expect(trackerFor(api, TOKEN, 'Gone').getTicket('1')).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('project Gone was not found'),
    });
  });

  it('reports throttling with Retry-After as retryable', async () => {
    api.rateLimitNext('POST', '/acme/Shop/_apis/wit/wiql', 5);

    await expect(trackerFor(api).listOpenTickets(20)).rejects.toMatchObject({
      code: 'tracker_request_failed',
      retryable: true,
      message: expect.stringContaining('asked to retry after 5 s'),
    });
  });

  it('follows the comments continuation token to find a keyed comment', async () => {
    const id = api.seedWorkItem('Shop', { title: 'busy' });
    const comments = api.workItem(id)!.comments;
    for (let index = 0; index < 250; index += 1)
      comments.push({ id: index + 1, text: `c${index}`, format: 'html' });
    comments.push({ id: 999, text: 'Done\n\n<!-- agentsmith:key=k -->', format: 'markdown' });

    const result = await trackerFor(api).ensureComment(String(id), { key: 'k', body: 'Done' });

    expect(result.created).toBe(false);
    expect(api.workItem(id)?.comments).toHaveLength(251);
    expect(
      api.server
        .requestsTo('GET', `/acme/Shop/_apis/wit/workItems/${id}/comments`)
        .map((request) => request.query.get('continuationToken')),
    ).toEqual([null, '200']);
  });
});
