import { jobInStreamKey, type OutboundEntry, type PhaseMarks } from '@agentsmith/contracts';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, fakeCatalog, uniqueChannel } from '../support/dispatcher-harness.js';

/**
 * The jobs page in a real browser (Debian's headless Chromium through playwright-core) against an
 * in-process dispatcher on real Redis and the fake Slack: a job appears, its step advances live,
 * it ends with the pull request link. The screenshots in docs/jobs-page.md come from this run.
 */
const TOKEN = 'e2e-jobs-page-token-0123456789abcdef';
const IMAGES = join(import.meta.dirname, '../../../../docs/images');

function progress(
  jobId: string,
  step: number,
  label: string,
  phases: PhaseMarks,
  costUsd?: number,
): OutboundEntry {
  return {
    type: 'progress',
    jobId,
    at: Date.now(),
    step,
    total: 7,
    label,
    phases,
    ...(costUsd === undefined ? {} : { costUsd }),
  };
}

describe('jobs page in headless Chromium', () => {
  let harness: DispatcherHarness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await DispatcherHarness.start({
      env: { JOBS_PAGE_TOKEN: TOKEN, MAX_CONCURRENT_JOBS: '1' },
      dependencies: {
        projects: {
          ...fakeCatalog(),
          ticketUrl: (project, ticketId) =>
            Promise.resolve(
              `https://github.com/acme/${project}/issues/${ticketId.replace('#', '')}`,
            ),
        },
      },
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
    await mkdir(IMAGES, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it('shows a job appear, its step advance live, and its end with the pull request link', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
    const policyViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        policyViolations.push(message.text());
    });

    // The one-time token exchange: the address bar ends at /jobs, a cookie carries the session.
    await page.goto(`${harness.url}/jobs?token=${TOKEN}`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/jobs');
    await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('live');
    await expect
      .poll(() => page.locator('#running .empty').textContent())
      .toBe('No job is running.');

    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel, 'fix #58 in agent-smith-test');
    await harness.message(uniqueChannel(), 'fix #7 in api-v2', { user: 'USECOND' });
    const row = page.locator(`#running tr[data-job-id="${jobId}"]`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('#queued tbody tr').count()).toBe(1);

    const started = Date.now();
    const phases = { started: started + 900, firstProgress: started + 1_000 };
    await expect
      .poll(async () => {
        await harness.agentWrites(progress(jobId, 2, 'Checking out the source', phases));
        return row.locator('.step').textContent();
      })
      .toBe('step 2 of 7: Checking out the source');
    await harness.agentWrites(
      progress(
        jobId,
        5,
        'Running the tests',
        { ...phases, checkoutDone: started + 2_400, firstLlmToken: started + 3_100 },
        0.0431,
      ),
    );
    await expect
      .poll(() => row.locator('.step').textContent())
      .toBe('step 5 of 7: Running the tests');
    await expect.poll(() => row.locator('.cost').textContent()).toBe('$0.0431');
    expect(await row.locator('.phases').textContent()).toContain('checkout');
    await page.screenshot({ path: join(IMAGES, 'jobs-page-running.png'), fullPage: true });

    const prUrl = 'https://github.com/acme/agent-smith-test/pull/59';
    await harness.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed the off-by-one in sum()',
      prUrl,
      costUsd: 0.0587,
      durationMs: 41_000,
      changedFiles: ['src/sum.ts'],
      phases: {
        ...phases,
        checkoutDone: started + 2_400,
        firstLlmToken: started + 3_100,
        testsDone: started + 38_000,
        prOpened: started + 40_500,
        ended: started + 41_000,
      },
    });
    const finished = page.locator(`#recent tr[data-job-id="${jobId}"]`);
    await expect.poll(() => finished.count(), { timeout: 30_000 }).toBe(1);
    expect(await finished.locator(`a[href="${prUrl}"]`).textContent()).toBe('pull request');
    expect(await finished.locator('.state').textContent()).toBe('succeeded');
    // The queued job started once the first one ended.
    await expect.poll(() => page.locator('#running tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(IMAGES, 'jobs-page-finished.png'), fullPage: true });

    expect(policyViolations).toEqual([]);
    await page.close();
  });
});

/** A port nobody listens on right now (Slack must redirect to a URL known before the start). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('jobs page: Sign in with Slack in headless Chromium', () => {
  let harness: DispatcherHarness;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    harness = await DispatcherHarness.start({
      env: {
        PORT: String(port),
        SLACK_CLIENT_ID: 'fake-client-id',
        SLACK_CLIENT_SECRET: 'fake-client-secret',
        JOBS_PAGE_URL: `http://127.0.0.1:${port}`,
        SLACK_ADMIN_USERS: 'UADMIN',
      },
    });
    harness.slack.openId.signInAs = { userId: 'UADMIN', teamId: 'T1', name: 'Ada Admin' };
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
  });

  it('signs an admin in through Slack and cancels a running job from the page', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel, 'fix #58 in agent-smith-test');
    await harness.agentWrites(progress(jobId, 4, 'Asking the model', {}, 0.012));
    const page = await browser.newPage({ viewport: { width: 1280, height: 420 } });

    await page.goto(`${harness.url}/jobs`);
    expect(await page.locator('a.button').textContent()).toBe('Sign in with Slack');
    await page.locator('a.button').click();
    await page.waitForURL(`${harness.url}/jobs`);
    expect(await page.locator('.viewer').textContent()).toBe('Signed in as Ada Admin (admin)');
    const row = page.locator(`#running tr[data-job-id="${jobId}"]`);
    await expect
      .poll(() => row.locator('.step').textContent())
      .toBe('step 4 of 7: Asking the model');
    await page.screenshot({ path: join(IMAGES, 'jobs-page-admin.png'), fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept());
    await row.locator('button', { hasText: 'Cancel' }).click();
    await page.waitForURL(`${harness.url}/jobs?cancelled=${jobId}`);
    expect(await page.locator('.notice').textContent()).toBe(`Job ${jobId} is stopping.`);
    // Stopping, or already gone (CANCEL_GRACE_SECONDS=0): either way no longer cancellable.
    await expect.poll(() => row.locator('button', { hasText: 'Cancel' }).count()).toBe(0);
    const inbound = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');
    expect(inbound.map(([, fields]) => fields.join(' '))).toEqual([
      expect.stringContaining('type cancel'),
    ]);
    await expect
      .poll(() => harness.textsIn(channel, 'chat.postMessage').join('\n'))
      .toContain('UADMIN');
    await page.close();
  });
});
