import { jobInStreamKey, type OutboundEntry } from '@agentsmith/contracts';
import { SecretSanitizer } from '@agentsmith/kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  uniqueChannel,
  type HarnessOptions,
} from '../../test/support/dispatcher-harness.js';
import type { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';

/** The jobs page on a real dispatcher: real Redis, the fake Slack (Web API and OpenID Connect). */
const TOKEN = 'jobs-page-token-0123456789abcdef0123456789';
const PUBLIC_URL = 'http://jobs.example.test';
const ADMIN = 'UADMIN';

const progress = (jobId: string, step: number, label: string, costUsd?: number): OutboundEntry => ({
  type: 'progress',
  jobId,
  at: Date.now(),
  step,
  total: 7,
  label,
  ...(costUsd === undefined ? {} : { costUsd }),
});
const done = (jobId: string, prUrl: string): OutboundEntry => ({
  type: 'done',
  jobId,
  at: Date.now(),
  summary: 'Fixed the sum',
  prUrl,
  costUsd: 0.0123,
  durationMs: 1_000,
  changedFiles: ['src/sum.ts'],
});

/** One server-sent event as the browser's EventSource would see it. */
interface SentEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** Reads `/jobs/events` and collects its events until aborted. */
async function listen(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const events: SentEvent[] = [];
  const response = await fetch(`${url}/jobs/events`, { headers, signal: controller.signal });
  const reading = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
          }
          if (fields.has('event'))
            events.push({
              id: fields.get('id'),
              event: fields.get('event') ?? '',
              data: fields.get('data') ?? '',
            });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    events,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

/** The session cookie a `Set-Cookie` header sets (name=value). */
function cookieFrom(response: Response, name: string): string {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));
  return header?.split(';')[0] ?? '';
}

describe('jobs page', () => {
  const harnesses: DispatcherHarness[] = [];
  const start = async (options: HarnessOptions<FakeJobSpawner> = {}) => {
    const harness = await DispatcherHarness.start(options);
    harnesses.push(harness);
    return harness;
  };
  const withToken = (env: Record<string, string> = {}) =>
    start({ env: { JOBS_PAGE_TOKEN: TOKEN, ...env } });
  const bearer = { authorization: `Bearer ${TOKEN}` };

  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.stop();
  });

  it('is off unless a way in is configured', async () => {
    const harness = await start();
    const response = await fetch(`${harness.url}/jobs`);
    expect(response.status).toBe(404);
  });

  it('asks for a sign-in without the token, refuses a wrong one, and sets strict headers', async () => {
    const harness = await withToken();
    const anonymous = await fetch(`${harness.url}/jobs`);
    const wrong = await fetch(`${harness.url}/jobs`, {
      headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
    });
    const wrongExchange = await fetch(`${harness.url}/jobs?token=nope`, { redirect: 'manual' });
    const events = await fetch(`${harness.url}/jobs/events`);

    expect([anonymous.status, wrong.status, wrongExchange.status, events.status]).toEqual([
      401, 401, 401, 401,
    ]);
    expect(await anonymous.text()).toContain('Authorization: Bearer');
    expect(wrongExchange.headers.getSetCookie()).toEqual([]);
    expect(anonymous.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(anonymous.headers.get('x-frame-options')).toBe('DENY');
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
  });

  it('exchanges ?token= once for a session cookie that then shows the page read-only', async () => {
    const harness = await withToken();
    const exchange = await fetch(`${harness.url}/jobs?token=${TOKEN}`, { redirect: 'manual' });
    const cookie = cookieFrom(exchange, 'agentsmith_jobs');
    const page = await fetch(`${harness.url}/jobs`, { headers: { cookie } });
    const html = await page.text();

    expect(exchange.status).toBe(303);
    expect(exchange.headers.get('location')).toBe('/jobs');
    expect(exchange.headers.getSetCookie()[0]).toMatch(
      /; Path=\/jobs; Max-Age=43200; HttpOnly; SameSite=Lax$/,
    );
    expect(page.status).toBe(200);
    expect(html).toContain('Read-only (access token)');
    expect(html).not.toContain(TOKEN);
  });

  it('lists running, queued and finished jobs with their step, cost and links', async () => {
    const harness = await withToken({ MAX_CONCURRENT_JOBS: '1' });
    const [first, second] = [uniqueChannel(), uniqueChannel()];
    const running = await harness.startJob(first, 'fix #58 in agent-smith-test');
    await harness.message(second, 'fix #7 in api-v2', { user: 'USECOND' });
    await expect.poll(() => harness.dispatcher.context.admission.queued(10)).toHaveLength(1);
    await harness.agentWrites(progress(running, 3, 'Running the tests <quickly>', 0.05));
    await expect
      .poll(async () => (await harness.dispatcher.context.jobs.get(running))?.step)
      .toBe(3);

    const whileRunning = await (await fetch(`${harness.url}/jobs`, { headers: bearer })).text();
    expect(whileRunning).toContain(`data-job-id="${running}"`);
    expect(whileRunning).toContain('step 3 of 7: Running the tests &lt;quickly&gt;');
    expect(whileRunning).toContain('$0.0500');
    expect(whileRunning).toMatch(/<section id="queued"><h2>Queued <span class="count">1<\/span>/);
    expect(whileRunning).toContain('USECOND');
    // The fake's auth.test says the workspace is https://fake.slack.com/: threads get permalinks.
    expect(whileRunning).toContain(`https://fake.slack.com/archives/${first}/p`);
    expect(whileRunning).not.toContain('<form method="post" action="/jobs/cancel"');

    await harness.agentWrites(done(running, 'https://github.com/acme/shop/pull/42'));
    await expect
      .poll(async () => (await harness.dispatcher.context.recentJobs?.list(5))?.[0]?.jobId)
      .toBe(running);
    const afterwards = await (await fetch(`${harness.url}/jobs`, { headers: bearer })).text();
    const recent = afterwards.slice(afterwards.indexOf('<section id="recent">'));
    expect(recent).toContain('succeeded');
    expect(recent).toContain('href="https://github.com/acme/shop/pull/42"');
    expect(recent).toContain('$0.0123');
  });

  it('streams a job’s progress and its end over server-sent events, and replays after Last-Event-ID', async () => {
    const harness = await withToken();
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    const stream = await listen(harness.url, bearer);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await expect.poll(() => stream.events.map((event) => event.event)).toContain('resync');
    // The feed follows a job from the moment it sees it; wait until it has.
    await expect
      .poll(async () => {
        await harness.agentWrites(progress(jobId, 1, 'Fetching the ticket'));
        return stream.events.some((event) => event.event === 'progress');
      })
      .toBe(true);
    await harness.agentWrites(progress(jobId, 4, 'Asking the model', 0.2));
    await expect
      .poll(() => stream.events.map((event) => event.data))
      .toContainEqual(expect.stringContaining('"step":"step 4 of 7: Asking the model"'));
    const stepFour = stream.events.find((event) => event.data.includes('step 4 of 7'));
    expect(JSON.parse(stepFour?.data ?? '{}')).toMatchObject({ jobId, cost: '$0.2000' });

    await harness.agentWrites(done(jobId, 'https://github.com/acme/shop/pull/1'));
    await expect.poll(() => stream.events.map((event) => event.event)).toContain('changed');

    // A second viewer reconnects where the first left off after step 4: it gets what followed.
    const replay = await listen(harness.url, { ...bearer, 'last-event-id': stepFour?.id ?? '' });
    await expect.poll(() => replay.events.map((event) => event.event)).toContain('changed');
    expect(replay.events.map((event) => event.event)).not.toContain('resync');
    const unknown = await listen(harness.url, { ...bearer, 'last-event-id': 'other-7' });
    await expect.poll(() => unknown.events.map((event) => event.event)).toEqual(['resync']);
    await Promise.all([stream.close(), replay.close(), unknown.close()]);
  });

  it('keeps a stream open past the request timeout and hides known secrets an agent wrote', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const harness = await start({
      env: { JOBS_PAGE_TOKEN: TOKEN },
      dependencies: {
        httpTimeouts: { headersMs: 200, requestMs: 400 },
        sanitizer: new SecretSanitizer([secret]),
      },
    });
    const jobId = await harness.startJob(uniqueChannel());
    const stream = await listen(harness.url, bearer);
    await expect.poll(() => stream.events.length).toBeGreaterThan(0);
    // Longer than the whole-request timeout: a stream is a response, not a slow request.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await expect
      .poll(async () => {
        await harness.agentWrites(progress(jobId, 2, `Cloning with ${secret}`));
        return stream.events.filter((event) => event.event === 'progress').length;
      })
      .toBeGreaterThan(0);
    await expect.poll(async () => (await harness.dispatcher.context.jobs.get(jobId))?.step).toBe(2);
    const html = await (await fetch(`${harness.url}/jobs`, { headers: bearer })).text();

    expect(stream.events.map((event) => event.data).join('\n')).not.toContain(secret);
    expect(html).toContain('Cloning with');
    expect(html).not.toContain(secret);
    await stream.close();
  });

  describe('Sign in with Slack', () => {
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
      const wrongState = await fetch(
        `${harness.url}/jobs/auth/callback?code=${code}&state=forged`,
        { headers: { cookie: cookieFrom(login, 'agentsmith_jobs_signin') }, redirect: 'manual' },
      );

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

  it('links the thread with app_redirect when the workspace URL is unknown', async () => {
    const harness = await withToken();
    const channel = uniqueChannel();
    await harness.startJob(channel);
    harness.slack.failNext('invalid_auth', 1, 'auth.test');
    const html = await (await fetch(`${harness.url}/jobs`, { headers: bearer })).text();
    expect(html).toContain(`https://slack.com/app_redirect?channel=${channel}`);
    expect(html).not.toContain('fake.slack.com/archives');
  });
});
