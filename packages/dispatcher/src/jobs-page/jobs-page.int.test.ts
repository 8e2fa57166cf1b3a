import { SecretSanitizer } from '@agentsmith/kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  uniqueChannel,
  type HarnessOptions,
} from '../../test/support/dispatcher-harness.js';
import type { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';
import { cookieFrom, done, listen, progress } from '../../test/support/jobs-page-client.js';

/** The jobs page on a real dispatcher: real Redis, the fake Slack; access by the bearer token. */
const TOKEN = 'jobs-page-token-0123456789abcdef0123456789';

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
    // An id from elsewhere: told to fetch afresh, nothing replayed (later events may follow).
    await expect.poll(() => unknown.events[0]?.event).toBe('resync');
    expect(unknown.events.map((event) => event.event)).not.toContain('progress');
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
