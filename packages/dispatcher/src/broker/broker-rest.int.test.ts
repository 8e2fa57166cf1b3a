import { request as httpRequest } from 'node:http';
import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';
import { FakeGithubApi } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../../test/support/broker-fixture.js';

const REAL_TOKEN = 'ghp_real_rest_token_never_in_an_agent';

function rawStatus(path: string, token: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const url = new URL(fixture.broker.url);
    const sent = httpRequest(
      { host: url.hostname, port: url.port, path, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        response.resume();
        resolve(response.statusCode);
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

let fixture: BrokerFixture;

describe('broker REST proxy (GitHub allow-list)', () => {
  let github: FakeGithubApi;
  let token: string;
  let otherPull: number;

  beforeAll(async () => {
    github = await new FakeGithubApi({ token: REAL_TOKEN }).start();
    github
      .addRepository('acme/app', { private: true })
      .addRepository('acme/secret', { private: true });
    github.seedIssue('acme/app', { title: 'Fix the sum', number: 58 });
    github.seedIssue('acme/app', { title: 'Someone else', number: 59 });
    otherPull = github.seedPullRequest('acme/app', { head: 'feature/x' });
    fixture = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'github', url: 'https://github.com/acme/app.git' },
          tickets: { type: 'github', url: 'https://github.com/acme/app' },
        },
      },
      credentials: { githubToken: REAL_TOKEN, githubApiUrl: github.url },
    });
    token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
  });
  afterAll(async () => {
    await fixture.close();
    await github.stop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${fixture.broker.url}/rest/github${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('lets the job read its repository and ticket and comment on it, with the real token', async () => {
    expect((await call('GET', '/repos/acme/app')).status).toBe(200);
    expect(
      ((await (await call('GET', '/repos/acme/app/issues/58')).json()) as { title: string }).title,
    ).toBe('Fix the sum');
    expect((await call('GET', '/repos/acme/app/issues/58/comments')).status).toBe(200);
    expect(
      (await call('POST', '/repos/acme/app/issues/58/comments', { body: 'On it' })).status,
    ).toBe(201);
    expect(github.comments('acme/app', 58)).toEqual(['On it']);
    const seen = github.requests.map((request) => request.headers['authorization']);
    expect(new Set(seen)).toEqual(new Set([`Bearer ${REAL_TOKEN}`]));
  });

  it("opens (as a draft) and edits the pull request of the job's own branch", async () => {
    expect((await call('GET', '/repos/acme/app/pulls?state=open&head=acme:fix/58')).status).toBe(
      200,
    );
    const created = await call('POST', '/repos/acme/app/pulls', {
      title: 'Fix #58',
      head: 'fix/58',
      base: 'main',
      body: 'b',
      draft: true,
    });
    expect(created.status).toBe(201);
    const { number } = (await created.json()) as { number: number };
    expect(github.pulls('acme/app').find((pull) => pull.number === number)?.draft).toBe(true);
    expect(
      (await call('PATCH', `/repos/acme/app/pulls/${number}`, { title: 'Fix #58 (v2)' })).status,
    ).toBe(200);
  });

  it.each([
    ['GET', '/repos/acme/secret', undefined, 'GET /repos/acme/secret'],
    ['GET', '/repos/acme/app/issues/59', undefined, 'not something this job may do'],
    [
      'POST',
      '/repos/acme/app/issues/59/comments',
      { body: 'spam' },
      'POST /repos/acme/app/issues/59/comments',
    ],
    ['PUT', '/repos/acme/app/pulls/1/merge', {}, 'PUT /repos/acme/app/pulls/1/merge'],
    ['DELETE', '/repos/acme/app/git/refs/heads/main', undefined, 'DELETE'],
    ['PATCH', '/repos/acme/app/issues/58', { state: 'closed' }, 'PATCH /repos/acme/app/issues/58'],
    [
      'POST',
      '/repos/acme/app/pulls',
      { title: 't', head: 'main', base: 'release' },
      "job's branch fix/58 as its head",
    ],
    [
      'POST',
      '/repos/acme/app/pulls',
      { title: 't', head: 'evil:fix/58', base: 'main' },
      "job's branch fix/58 as its head",
    ],
    ['GET', '/user', undefined, 'GET /user'],
    [
      'POST',
      '/repos/acme/app/pulls',
      { issue: 59, head: 'fix/58', base: 'main' },
      'may not set issue',
    ],
  ])('refuses %s %s with a 403 naming it', async (method, path, body, words) => {
    const before = github.requests.length;
    const refused = await call(method, path, body);
    expect(refused.status).toBe(403);
    const answer = (await refused.json()) as { message: string; refused: string };
    expect(answer.message).toContain(words);
    expect(answer.refused).toBe(`${method} ${path}`);
    expect(github.requests.length).toBe(before);
  });

  it("refuses editing another branch's pull request, or its state or base", async () => {
    const other = await call('PATCH', `/repos/acme/app/pulls/${otherPull}`, { title: 'mine now' });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { message: string }).message).toContain('is not the job');
    const state = await call('PATCH', `/repos/acme/app/pulls/${otherPull}`, { state: 'closed' });
    expect(state.status).toBe(403);
  });

  it('refuses encoded dot segments and requests without or with a wrong token', async () => {
    // Sent raw: fetch would resolve the dot segments itself.
    for (const path of [
      '/repos/acme/app/%2e%2e/secret',
      '/repos/acme/app/../secret',
      '/repos/acme%2fsecret',
    ]) {
      expect(await rawStatus(`/rest/github${path}`, token)).toBe(400);
    }
    expect((await fetch(`${fixture.broker.url}/rest/github/repos/acme/app`)).status).toBe(401);
    const forged = await fetch(`${fixture.broker.url}/rest/github/repos/acme/app`, {
      headers: { authorization: `Bearer ${REAL_TOKEN}` },
    });
    expect(forged.status).toBe(401);
  });
});

describe('broker REST proxy: an unreachable API', () => {
  it('answers 502 without the cause, which can quote credentials from the URL', async () => {
    const broken = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'github', url: 'https://github.com/acme/app.git' },
          tickets: { type: 'github', url: 'https://github.com/acme/app' },
        },
      },
      // A URL with user info makes fetch fail with a message quoting it.
      credentials: { githubToken: REAL_TOKEN, githubApiUrl: 'http://bot:s3cret@127.0.0.1:9' },
    });
    try {
      const token = (await broken.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
      const answer = await fetch(`${broken.broker.url}/rest/github/repos/acme/app`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(502);
      const text = await answer.text();
      expect(text).toContain('the github API is unreachable');
      expect(text).not.toContain('s3cret');
    } finally {
      await broken.close();
    }
  });
});
