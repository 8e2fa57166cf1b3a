import { FakeGitlabApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTracker } from '../registry.js';
import { describeTrackerConformance } from '../tracker.conformance.js';
import type { Tracker } from '../tracker.js';

const PROJECT = 'acme/platform/app';
const TOKEN = 'glpat-test-token-123';

function trackerFor(api: FakeGitlabApi, token: string | null = TOKEN): Tracker {
  return createTracker(
    { type: 'gitlab', project: PROJECT },
    { GITLAB_URL: api.url, ...(token === null ? {} : { GITLAB_TOKEN: token }) },
    { maxRetries: 0 },
  );
}

describeTrackerConformance('gitlab', async () => {
  const api = await new FakeGitlabApi({ token: TOKEN }).addProject(PROJECT).start();
  return {
    tracker: trackerFor(api),
    seedTicket: ({ title, body }) =>
      Promise.resolve(String(api.seedIssue(PROJECT, { title, description: body }))),
    seedComment: (id, comment) => Promise.resolve(api.seedNote(PROJECT, Number(id), comment)),
    comments: (id) => Promise.resolve(api.notes(PROJECT, Number(id))),
    missingId: '9999',
    namedState: 'workflow::in review',
    isInState: (id, state) =>
      Promise.resolve(api.issue(PROJECT, Number(id))?.labels.includes(state) ?? false),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describeTrackerConformance('gitlab (self-managed under /gitlab)', async () => {
  const api = await new FakeGitlabApi({ token: TOKEN, prefix: '/gitlab' })
    .addProject(PROJECT)
    .start();
  return {
    tracker: createTracker(
      { type: 'gitlab', url: api.url, project: PROJECT },
      { GITLAB_TOKEN: TOKEN },
      { maxRetries: 0 },
    ),
    seedTicket: ({ title, body }) =>
      Promise.resolve(String(api.seedIssue(PROJECT, { title, description: body }))),
    seedComment: (id, comment) => Promise.resolve(api.seedNote(PROJECT, Number(id), comment)),
    comments: (id) => Promise.resolve(api.notes(PROJECT, Number(id))),
    missingId: '9999',
    namedState: 'in review',
    isInState: (id, state) =>
      Promise.resolve(api.issue(PROJECT, Number(id))?.labels.includes(state) ?? false),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('trackers/gitlab/gitlab-tracker comments', () => {
  it("leaves GitLab's system notes out of the ticket's comments", async () => {
    const api = await new FakeGitlabApi({ token: TOKEN }).addProject(PROJECT).start();
    try {
      const iid = api.seedIssue(PROJECT, { title: 'noted' });
      api.seedNote(PROJECT, iid, { author: 'dev', body: 'added ~bug label', system: true });
      api.seedNote(PROJECT, iid, { author: 'dev', body: 'Reproduced on main.' });

      const ticket = await trackerFor(api).getTicket(String(iid));

      expect(ticket?.comments?.map((comment) => comment.body)).toEqual(['Reproduced on main.']);
    } finally {
      await api.stop();
    }
  });
});

describe('trackers/gitlab/gitlab-tracker', () => {
  let api: FakeGitlabApi;

  beforeEach(async () => {
    api = await new FakeGitlabApi({ token: TOKEN, readOnlyToken: 'glpat-read-only' })
      .addProject(PROJECT)
      .start();
  });

  afterEach(async () => {
    await api.stop();
  });

  it('sends PRIVATE-TOKEN to the project by URL-encoded path and maps an issue', async () => {
    const iid = api.seedIssue(PROJECT, {
      title: 'Broken',
      description: 'details',
      labels: ['bug'],
    });

    const ticket = await trackerFor(api).getTicket(`#${iid}`);

    expect(ticket).toEqual({
      id: '1',
      title: 'Broken',
      body: 'details',
      labels: ['bug'],
      state: 'open',
      url: 'https://gitlab.example.com/acme/platform/app/-/issues/1',
      comments: [],
    });
    const [request] = api.requests;
    expect(request?.headers['private-token']).toEqual(TOKEN);
    expect(request?.path).toEqual('/api/v4/projects/acme%2Fplatform%2Fapp/issues/1');
  });

  it('shows 20 open issues and counts all of them', async () => {
    for (let index = 1; index <= 45; index += 1)
      api.seedIssue(PROJECT, { title: `issue ${index}` });
    api.seedIssue(PROJECT, { title: 'closed', state: 'closed' });

    const page = await trackerFor(api).listOpenTickets(20);

    expect(page.total).toEqual(45);
    expect(page.tickets).toHaveLength(20);
    expect(page.tickets[0]?.title).toEqual('issue 45');
  });

  it('names GITLAB_TOKEN when the token is rejected', async () => {
    api.seedIssue(PROJECT, { title: 'x' });

    await expect(trackerFor(api, 'glpat-wrong').getTicket('1')).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('GITLAB_TOKEN was rejected'),
    });
  });

  it('says which permission is missing when a read-only token comments', async () => {
    api.seedIssue(PROJECT, { title: 'x' });

    await expect(
      trackerFor(api, 'glpat-read-only').ensureComment('1', { key: 'k', body: 'hi' }),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringMatching(/denied permission.*GITLAB_TOKEN lacks the api scope/),
    });
  });

  it('tells a missing project apart from a missing issue', async () => {
    expect(await trackerFor(api).getTicket('12')).toBeNull();
    await expect(
      createTracker(
        { type: 'gitlab', project: 'acme/gone' },
        { GITLAB_URL: api.url, GITLAB_TOKEN: TOKEN },
        { maxRetries: 0 },
      ).getTicket('1'),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining(
        'GitLab project acme/gone was not found or GITLAB_TOKEN cannot see it',
      ),
    });
  });

  it('reports rate limiting with the wait GitLab asked for, as retryable', async () => {
    api.seedIssue(PROJECT, { title: 'x' });
    api.rateLimitNext('GET', `/projects/${encodeURIComponent(PROJECT)}/issues/1`, 30);

    await expect(trackerFor(api).getTicket('1')).rejects.toMatchObject({
      code: 'tracker_request_failed',
      retryable: true,
      message: expect.stringContaining(
        'rate limiting us while trying to read issue #1 of acme/platform/app; it asked to retry after 30 s',
      ),
    });
  });

  it('refuses a Jira-style reference with a message naming the expected form', async () => {
    expect(await trackerFor(api).getTicket('PROJ-5')).toBeNull();
    await expect(trackerFor(api).transitionTicket('PROJ-5', 'done')).rejects.toMatchObject({
      code: 'tracker_ticket_not_found',
      message: expect.stringContaining('GitLab issues are numbers'),
    });
  });

  it('finds a keyed note on a later page (X-Next-Page pagination) and posts nothing', async () => {
    const iid = api.seedIssue(PROJECT, { title: 'busy' });
    const notes = api.issue(PROJECT, iid)!.notes;
    const note = (body: string) => ({ body, author: 'dev', createdAt: '2026-01-01T00:00:00Z' });
    for (let index = 0; index < 150; index += 1) notes.push(note(`note ${index}`));
    notes.push(note('Done\n\n<!-- agentsmith:key=agentsmith:1:completed -->'));

    const result = await trackerFor(api).ensureComment(String(iid), {
      key: 'agentsmith:1:completed',
      body: 'Done',
    });

    expect(result.created).toBe(false);
    expect(api.notes(PROJECT, iid)).toHaveLength(151);
    expect(
      api.server.requestsTo('GET', /\/notes$/).map((request) => request.query.get('page')),
    ).toEqual(['1', '2']);
  });
});
