import { FakeGithubApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTracker } from '../registry.js';
import { describeTrackerConformance } from '../tracker.conformance.js';
import type { Tracker } from '../tracker.js';

const REPO = 'org/app';
const TOKEN = 'ghp_test_token_123';

function trackerFor(api: FakeGithubApi, token: string | null = TOKEN): Tracker {
  return createTracker(
    { type: 'github', url: `https://github.com/${REPO}` },
    { GITHUB_API_URL: api.url, ...(token === null ? {} : { GITHUB_TOKEN: token }) },
    { maxRetries: 0 },
  );
}

describeTrackerConformance('github', async () => {
  const api = await new FakeGithubApi({ token: TOKEN }).addRepository(REPO).start();
  // A pull request in between: the issues API returns it, the tracker must not.
  api.seedPullRequest(REPO, { head: 'feature' });
  return {
    tracker: trackerFor(api),
    seedTicket: ({ title, body }) => Promise.resolve(String(api.seedIssue(REPO, { title, body }))),
    seedComment: (id, comment) => Promise.resolve(api.seedComment(REPO, Number(id), comment)),
    comments: (id) => Promise.resolve(api.comments(REPO, Number(id))),
    missingId: '9999',
    namedState: 'in review',
    isInState: (id, state) =>
      Promise.resolve(api.issue(REPO, Number(id))?.labels.includes(state) ?? false),
    cleanup: async () => {
      api.server.assertDone();
      await api.stop();
    },
  };
});

describe('trackers/github/github-tracker', () => {
  let api: FakeGithubApi;

  beforeEach(async () => {
    api = await new FakeGithubApi({ token: TOKEN }).start();
  });

  afterEach(async () => {
    await api.stop();
  });

  it('maps an issue, sends the token and GitHub headers', async () => {
    api.addRepository(REPO);
    const number = api.seedIssue(REPO, { title: 'Broken', body: 'details', labels: ['bug'] });

    const ticket = await trackerFor(api).getTicket(String(number));

    expect(ticket).toEqual({
      id: '1',
      title: 'Broken',
      body: 'details',
      labels: ['bug'],
      state: 'open',
      url: 'https://github.com/org/app/issues/1',
      comments: [],
    });
    const [request] = api.requests;
    expect(request?.headers.authorization).toEqual(`Bearer ${TOKEN}`);
    expect(request?.headers.accept).toEqual('application/vnd.github+json');
  });

  it('reads the newest comments of an issue with more than a page of them', async () => {
    api.addRepository(REPO);
    const number = api.seedIssue(REPO, { title: 'Busy', body: '' });
    for (let n = 1; n <= 230; n += 1)
      api.seedComment(REPO, number, { author: 'dev', body: `c ${n}` });

    const ticket = await trackerFor(api).getTicket(String(number));

    expect(ticket?.comments?.map((comment) => comment.body)).toEqual(
      Array.from({ length: 20 }, (_, index) => `c ${211 + index}`),
    );
    expect(api.requests.map((request) => request.query.get('page')).filter(Boolean)).toEqual([
      '2',
      '3',
    ]);
  });

  it('does not treat a pull request as a ticket', async () => {
    api.addRepository(REPO);
    const pull = api.seedPullRequest(REPO, { head: 'fix/1' });

    expect(await trackerFor(api).getTicket(String(pull))).toBeNull();
  });

  it('counts every open issue across pages and skips pull requests', async () => {
    api.addRepository(REPO);
    for (let index = 0; index < 150; index += 1) api.seedIssue(REPO, { title: `issue ${index}` });
    api.seedPullRequest(REPO, { head: 'fix/x' });

    const page = await trackerFor(api).listOpenTickets(5);

    expect(page.total).toEqual(150);
    expect(page.tickets.map((ticket) => ticket.title)).toEqual([
      'issue 149',
      'issue 148',
      'issue 147',
      'issue 146',
      'issue 145',
    ]);
    expect(
      api.server.requestsTo('GET', '/repos/org/app/issues').map((r) => r.query.get('page')),
    ).toEqual(['1', '2']);
  });

  it('finds its earlier comment by the hidden key after a lost response, and posts nothing', async () => {
    api.addRepository(REPO);
    const number = api.seedIssue(REPO, { title: 'Retry me' });
    const tracker = trackerFor(api);

    await tracker.ensureComment(String(number), { key: 'agentsmith:1:started', body: 'Working.' });
    const again = await tracker.ensureComment(String(number), {
      key: 'agentsmith:1:started',
      body: 'Working.',
    });

    expect(again.created).toBe(false);
    expect(api.comments(REPO, number)).toEqual([
      'Working.\n\n<!-- agentsmith:key=agentsmith:1:started -->',
    ]);
    expect(api.server.requestsTo('POST', `/repos/org/app/issues/${number}/comments`)).toHaveLength(
      1,
    );
  });

  it('closes with state_reason completed', async () => {
    api.addRepository(REPO);
    const number = api.seedIssue(REPO, { title: 'Done soon' });

    await trackerFor(api).transitionTicket(String(number), 'done');

    expect(api.issue(REPO, number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
  });

  it('says to set GITHUB_TOKEN when a private repository is read without one', async () => {
    api.addRepository(REPO, { private: true });
    api.seedIssue(REPO, { title: 'secret' });

    await expect(trackerFor(api, null).getTicket('1')).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('GITHUB_TOKEN is not set'),
    });
  });

  it('reports a rejected token as access denied, naming GITHUB_TOKEN', async () => {
    api.addRepository(REPO);
    api.seedIssue(REPO, { title: 'x' });

    await expect(
      trackerFor(api, 'wrong').ensureComment('1', { key: 'k', body: 'hi' }),
    ).rejects.toMatchObject({
      code: 'tracker_access_denied',
      message: expect.stringContaining('GITHUB_TOKEN was rejected'),
    });
  });

  it('tells a missing repository apart from a missing ticket', async () => {
    api.addRepository(REPO);

    expect(await trackerFor(api).getTicket('12')).toBeNull();
    await expect(
      createTracker(
        { type: 'github', url: 'https://github.com/org/gone' },
        { GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN },
        { maxRetries: 0 },
      ).getTicket('1'),
    ).rejects.toMatchObject({ code: 'tracker_access_denied' });
  });

  it('turns server errors into tracker_request_failed, retryable', async () => {
    api.addRepository(REPO);
    api.failNext('POST', '/repos/org/app/issues', { status: 503, body: { message: 'down' } });

    await expect(trackerFor(api).ensureTicket({ title: 'x' })).rejects.toMatchObject({
      code: 'tracker_request_failed',
      retryable: true,
    });
  });
});
