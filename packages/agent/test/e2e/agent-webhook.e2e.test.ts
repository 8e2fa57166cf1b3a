import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent, type AgentRun } from './agent-cli.js';
import { fixingSumTurns, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { githubFixture, REPO, type GithubFixture } from './github-fixture.js';

const SECRET = 'webhook-e2e-secret-0123';

describe('agent --server (GitHub webhooks)', () => {
  let world: GithubFixture;
  let server: AgentRun | undefined;
  let redis: RedisTestContext;

  beforeEach(async () => {
    world = await githubFixture();
    redis = await redisTestContext();
  });
  afterEach(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    server = undefined;
    await world.stop();
    await redis.cleanup();
  });

  async function startServer(): Promise<string> {
    await world.configure(['webhook: { label: fix-me }']);
    server = startAgent(
      ['--server', '--port', '0', '--redis-url', redis.url, '--config', world.box.configPath],
      { ...world.env(), GITHUB_WEBHOOK_SECRET: SECRET },
      world.box.root,
    );
    let output = '';
    server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => /on port (\d+)/.exec(output)?.[1], { timeout: 10_000 }).toBeDefined();
    return `http://127.0.0.1:${/on port (\d+)/.exec(output)?.[1]}`;
  }

  /** A signed delivery with a new `X-GitHub-Delivery` id (or `id`). */
  function delivery(label: string, id = `e2e-${randomUUID()}`) {
    redis.track(`agentsmith:webhook-delivery:${id}`);
    const body = JSON.stringify({
      action: 'labeled',
      label: { name: label },
      issue: { number: 58 },
      repository: { name: 'demo', full_name: REPO },
    });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-hub-signature-256': signature,
        'x-github-delivery': id,
      },
    };
  }

  it('turns a signed issues.labeled delivery into a run that opens the pull request', async () => {
    const url = await startServer();
    world.llm.script(...fixingSumTurns());

    const ignored = await fetch(`${url}/webhook`, { method: 'POST', ...delivery('bug') });
    const forged = await fetch(`${url}/webhook`, {
      method: 'POST',
      ...delivery('fix-me'),
      headers: { ...delivery('fix-me').headers, 'x-hub-signature-256': 'sha256=00' },
    });
    const original = delivery('fix-me');
    const accepted = await fetch(`${url}/webhook`, { method: 'POST', ...original });
    const replayed = await fetch(`${url}/webhook`, { method: 'POST', ...original });

    expect([ignored.status, forged.status, accepted.status, replayed.status]).toEqual([
      200, 401, 202, 409,
    ]);
    expect(await accepted.text()).toBe('Accepted: fix #58 in demo');
    await expect.poll(() => world.github.pulls(REPO).length, { timeout: 30_000 }).toBe(1);
    expect(world.github.pulls(REPO)[0]).toMatchObject({ head: 'fix/58', base: 'main' });
    server?.child.kill('SIGTERM');
    expect((await server?.exited)?.exitCode).toBe(0);
  });

  it('refuses to start without GITHUB_WEBHOOK_SECRET (exit 2)', async () => {
    await world.configure();

    const result = await startAgent(
      ['--server', '--config', world.box.configPath],
      world.env(),
      world.box.root,
    ).exited;

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('GITHUB_WEBHOOK_SECRET is not set');
  });
});
