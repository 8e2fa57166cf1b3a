import { jobInStreamKey } from '@agentsmith/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  uniqueChannel,
  type HarnessOptions,
} from '../../test/support/dispatcher-harness.js';
import type { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';
import { cookieFrom } from '../../test/support/jobs-page-client.js';

/**
 * Sign in with Slack (OpenID Connect against the fake Slack's endpoints) and cancel from the
 * page, on a real dispatcher and real Redis.
 */
const PUBLIC_URL = 'http://jobs.example.test';
const ADMIN = 'UADMIN';

describe('jobs page: Sign in with Slack', () => {
  const harnesses: DispatcherHarness[] = [];
  const start = async (options: HarnessOptions<FakeJobSpawner> = {}) => {
    const harness = await DispatcherHarness.start(options);
    harnesses.push(harness);
    return harness;
  };

  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.stop();
  });

  const signInEnv = (slackClientId: string, extra: Record<string, string> = {}) => ({
    SLACK_CLIENT_ID: slackClientId,
    SLACK_CLIENT_SECRET: 'fake-client-secret',
    JOBS_PAGE_URL: PUBLIC_URL,
    SLACK_ADMIN_USERS: ADMIN,
    ...extra,
  });

  /** Runs the OpenID Connect flow as a browser would; returns the callback's answer. */
  async function signIn(harness: DispatcherHarness, userId: string, teamId = 'T1') {
    harness.slack.openId.signInAs = { userId, teamId, name: `Person ${userId}` };
    const login = await fetch(`${harness.url}/jobs/auth/login`, { redirect: 'manual' });
    const pending = cookieFrom(login, 'agentsmith_jobs_signin');
    const approve = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    const back = new URL(approve.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(`${PUBLIC_URL}/jobs/auth/callback`);
    return fetch(`${harness.url}/jobs/auth/callback${back.search}`, {
      headers: { cookie: pending },
      redirect: 'manual',
    });
  }

  it('signs an admin in with state and nonce, and the admin cancels a running job (audited, told in the thread)', async () => {
    const harness = await start({ env: signInEnv('fake-client-id') });
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    const callback = await signIn(harness, ADMIN);
    const cookie = cookieFrom(callback, 'agentsmith_jobs');
    const authorize = harness.slack.openId.authorizeRequests[0];

    expect(callback.status).toBe(303);
    expect(authorize?.get('redirect_uri')).toBe(`${PUBLIC_URL}/jobs/auth/callback`);
    expect(authorize?.get('nonce')).toMatch(/^[\w-]{32}$/);
    const page = await (await fetch(`${harness.url}/jobs`, { headers: { cookie } })).text();
    expect(page).toContain(`Signed in as Person ${ADMIN} (admin)`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

    const withoutCsrf = await fetch(`${harness.url}/jobs/cancel`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ job: jobId }),
      redirect: 'manual',
    });
    const cancel = await fetch(`${harness.url}/jobs/cancel`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ job: jobId, csrf }),
      redirect: 'manual',
    });

    expect([withoutCsrf.status, cancel.status]).toEqual([403, 303]);
    const inbound = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');
    expect(inbound.map(([, fields]) => fields.join(' '))).toEqual([
      expect.stringContaining(`type cancel`),
    ]);
    await expect
      .poll(() => harness.textsIn(channel, 'chat.postMessage').join('\n'))
      .toContain(ADMIN);
    const audit = (await harness.dispatcher.context.access?.audit.latest(5)) ?? [];
    expect(audit.map((record) => [record.action, record.allowed, record.reason])).toEqual(
      expect.arrayContaining([
        ['cancel', true, 'jobs page: admin'],
        ['jobs-page-sign-in', true, 'admin'],
      ]),
    );
  });

  it('refuses cancel to someone who neither started the job nor is an admin, and audits it', async () => {
    const harness = await start({ env: signInEnv('fake-client-id') });
    const jobId = await harness.startJob(uniqueChannel());
    const cookie = cookieFrom(await signIn(harness, 'UOTHER'), 'agentsmith_jobs');
    const page = await (await fetch(`${harness.url}/jobs`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

    const cancel = await fetch(`${harness.url}/jobs/cancel`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ job: jobId, csrf }),
      redirect: 'manual',
    });

    expect(page).not.toContain('action="/jobs/cancel"');
    expect(cancel.status).toBe(403);
    expect(await harness.redis.redis.xlen(jobInStreamKey(jobId))).toBe(0);
    const audit = (await harness.dispatcher.context.access?.audit.latest(5)) ?? [];
    expect(audit[0]).toMatchObject({ action: 'cancel', allowed: false, userId: 'UOTHER', jobId });
  });

  it('lets the requester take their own queued job out of the queue', async () => {
    const harness = await start({
      env: signInEnv('fake-client-id', { MAX_CONCURRENT_JOBS: '1' }),
    });
    await harness.startJob(uniqueChannel());
    const waiting = uniqueChannel();
    await harness.message(waiting, 'fix #7 in api-v2', { user: 'USECOND' });
    await expect.poll(() => harness.dispatcher.context.admission.queued(10)).toHaveLength(1);
    const [queued] = await harness.dispatcher.context.admission.queued(10);
    const cookie = cookieFrom(await signIn(harness, 'USECOND'), 'agentsmith_jobs');
    const page = await (await fetch(`${harness.url}/jobs`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

    const cancel = await fetch(`${harness.url}/jobs/cancel`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ job: queued?.jobId ?? '', csrf }),
      redirect: 'manual',
    });

    expect([...page.matchAll(/name="job" value="([^"]+)"/g)].map((match) => match[1])).toEqual([
      queued?.jobId,
    ]);
    expect(cancel.status).toBe(303);
    expect(await harness.dispatcher.context.admission.queued(10)).toEqual([]);
    const audit = (await harness.dispatcher.context.access?.audit.latest(5)) ?? [];
    expect(audit[0]).toMatchObject({
      action: 'cancel',
      allowed: true,
      reason: 'jobs page: requester',
    });
  });

  it('refuses a token signed by another key, a foreign workspace and a state that does not match', async () => {
    const harness = await start({
      env: signInEnv('fake-client-id', { SLACK_ALLOWED_TEAMS: 'T1' }),
    });
    harness.slack.openId.forgeNextToken = true;
    const forged = await signIn(harness, ADMIN);
    const foreign = await signIn(harness, 'UFOREIGN', 'T9');
    harness.slack.openId.signInAs = { userId: ADMIN, teamId: 'T1' };
    const login = await fetch(`${harness.url}/jobs/auth/login`, { redirect: 'manual' });
    const approve = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    const code = new URL(approve.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const wrongState = await fetch(`${harness.url}/jobs/auth/callback?code=${code}&state=forged`, {
      headers: { cookie: cookieFrom(login, 'agentsmith_jobs_signin') },
      redirect: 'manual',
    });

    expect([forged.status, foreign.status, wrongState.status]).toEqual([401, 403, 401]);
    expect(await forged.text()).toContain('signature is wrong');
    expect(await foreign.text()).toContain('another Slack workspace');
    for (const response of [forged, foreign, wrongState])
      expect(cookieFrom(response, 'agentsmith_jobs')).toBe('');
    expect(harness.slack.openId.authorizeRequests.at(-1)?.get('team')).toBe('T1');

    // The person chooses Cancel on Slack's consent screen.
    harness.slack.openId.signInAs = undefined;
    const again = await fetch(`${harness.url}/jobs/auth/login`, { redirect: 'manual' });
    const declined = await fetch(again.headers.get('location') ?? '', { redirect: 'manual' });
    const back = new URL(declined.headers.get('location') ?? '');
    const answer = await fetch(`${harness.url}/jobs/auth/callback${back.search}`, {
      headers: { cookie: cookieFrom(again, 'agentsmith_jobs_signin') },
      redirect: 'manual',
    });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toContain('Slack did not sign you in (access_denied).');
  });
});
