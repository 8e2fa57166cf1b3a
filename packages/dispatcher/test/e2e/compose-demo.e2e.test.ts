import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, testDocker, testRunId } from '@agentsmith/testkit';
import { dockerCompose } from '../support/docker-compose.js';

/**
 * The demo through the whole system (deploy/compose.demo.yml, unmodified): no .env, no account,
 * no fake service. The real images, a real Docker engine, a real agent container spawned through
 * the docker-gate, git through the credential broker, the bundled recording replayed.
 */
const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
const project = `agentsmith-demo-e2e-${testRunId}`;
const docker = testDocker();
const DEMO_TIMEOUT_MS = 240_000;

function compose(...args: string[]): Promise<string> {
  return dockerCompose(
    {
      project,
      files: [join(root, 'deploy/compose.demo.yml')],
      cwd: root,
      // DEMO_PORT=0: a free host port, so a local demo and parallel runs do not collide.
      env: { ...process.env, DEMO_PORT: '0' },
    },
    ...args,
  );
}

/** A file at a revision of the sample repository, read inside the dispatcher's container. */
function showInDispatcher(repository: string, revision: string): Promise<string> {
  return compose('exec', '-T', 'dispatcher', 'git', '-C', repository, 'show', revision);
}

/** What the dispatcher printed, without the terminal codes Compose puts before each line. */
async function dispatcherLog(): Promise<string> {
  const log = await compose('logs', '--no-color', '--no-log-prefix', 'dispatcher');
  // eslint-disable-next-line no-control-regex -- the escape character starts each code
  return log.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/** The dispatcher's output once the demo's job has ended (or what it printed when time ran out). */
async function demoOutcome(): Promise<string> {
  const deadline = Date.now() + DEMO_TIMEOUT_MS;
  let log = '';
  while (Date.now() < deadline) {
    log = await dispatcherLog();
    if (/^(Done: |The demo job did not succeed)/m.test(log)) return log;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`the demo did not end within ${DEMO_TIMEOUT_MS / 1000} s:\n${log}`);
}

let log = '';

beforeAll(async () => {
  await requireDocker(docker);
  await compose('build');
  await compose('up', '-d');
  log = await demoOutcome();
}, 1_800_000);

afterAll(async () => {
  await compose('down', '--volumes', '--remove-orphans', '--timeout', '5').catch(() => undefined);
});

describe('docker compose -f deploy/compose.demo.yml up (no account anywhere)', () => {
  it('a ticket becomes a fixed, tested branch, every step of the thread saying it is a replay', () => {
    expect(log).toMatch(/^Done: ticket #1 is fixed and tested on branch fix\/1/m);
    expect(log).toContain('a replay of a recorded model session');
    expect(log).toMatch(/Starting job [0-9a-f]{12}/);
    expect(log).toMatch(/replay/i);
    // npm's update check is off in the agent image: nothing but the work itself asks for egress.
    expect(log).not.toContain('Blocked a connection');
  });

  it('pushed the fix through the broker into the sample repository, and its tests pass there', async () => {
    const repository = /^ {2}git -C (\S+) log -p fix\/1$/m.exec(log)?.[1];
    expect(repository).toBeDefined();
    expect(await showInDispatcher(repository ?? '', 'fix/1:src/math.js')).toContain('a + b');
    expect(await showInDispatcher(repository ?? '', 'main:src/math.js')).toContain('a - b');
  });

  it('the jobs page shows the finished job, and only with the printed token', async () => {
    const token = /\/jobs\?token=([0-9a-f]+)/.exec(log)?.[1];
    expect(token).toBeDefined();
    const address = (await compose('port', 'dispatcher', '8080')).trim();
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const refused = await fetch(`http://${address}/jobs`);
    expect(refused.status).toBe(401);
    const page = await fetch(`http://${address}/jobs`, {
      headers: { authorization: `Bearer ${token ?? ''}` },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    const jobId = /Starting job ([0-9a-f]{12})/.exec(log)?.[1] ?? 'missing';
    expect(html).toContain(jobId);
    expect(html).toContain('fix/1');
    // The terminal's thread has no address: no Slack link.
    expect(html).not.toContain('slack.com');
  });

  it('opens in a browser from the printed URL, the job finished with its branch (docs/images)', async () => {
    const printed = /The jobs page shows the job live: (\S+)/.exec(log)?.[1] ?? 'missing';
    const address = (await compose('port', 'dispatcher', '8080')).trim();
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 480 } });
      // The printed URL names the demo's default port; the test's stack has a port of its own.
      await page.goto(printed.replace(/^http:\/\/localhost:\d+/, `http://${address}`));
      const row = page.locator('#recent tbody tr');
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.locator('.state').textContent()).toBe('succeeded');
      expect(await row.locator('.links').textContent()).toMatch(/file:\/\/\S+#fix\/1/);
      await page.screenshot({
        path: join(root, 'docs/images/demo-jobs-page.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  });

  it('the agent container is gone, and the agent never held the dispatcher’s Redis password', async () => {
    const jobId = /Starting job ([0-9a-f]{12})/.exec(log)?.[1] ?? 'missing';
    const agents = await exec('docker', [
      'ps',
      '--all',
      '--filter',
      `label=job-id=${jobId}`,
      '--format',
      '{{.Names}}',
    ]);
    expect(agents.stdout.trim()).toBe('');
    const password = (
      await compose('exec', '-T', 'redis', 'cat', '/run/demo/redis-password')
    ).trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(log).not.toContain(password);
  });
});
