import type { FakeLlmApi, RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, type Sandbox } from './agent-cli.js';
import { githubFixture, type GithubFixture } from './github-fixture.js';
import { outEntries } from './job-stream.js';

/** Built at run time so no scanner mistakes this file for one holding credentials. */
const TOKEN_SHAPED = `xoxb-${'7391'.repeat(3)}-${'pR4k'.repeat(6)}`;
const PROCESS_SECRET = 'e2e-process-secret-81c3f0';

/**
 * What the agent publishes for Slack passes the secret sanitizer, whatever path the text takes:
 * here a crash whose message quotes a token and a credential of the agent's own environment.
 */
describe('agent (secrets in what a job reports)', () => {
  let world: GithubFixture;
  let box: Sandbox;
  let llm: FakeLlmApi;
  let redis: RedisTestContext;
  let jobId: string;

  beforeEach(async () => {
    world = await githubFixture();
    ({ box, llm, redis, jobId } = world);
  });
  afterEach(async () => {
    await world.stop();
  });

  it('publishes the Error entry with the token and the known credential redacted', async () => {
    await world.configure();
    llm.script({ text: 'never used', delayMs: 20_000 });
    const crash = [
      'const send = globalThis.fetch;',
      'globalThis.fetch = (input, init) => {',
      "  if (String(input?.url ?? input).includes('/messages'))",
      `    setTimeout(() => { throw new Error('login failed for ${TOKEN_SHAPED} with ' + process.env.SERVICE_PASSWORD); }, 100);`,
      '  return send(input, init);',
      '};',
    ].join('\n');
    const preload = `--import=data:text/javascript,${encodeURIComponent(crash)}`;

    const result = await runAgent(
      world.jobArgs(),
      world.env({ NODE_OPTIONS: preload, SERVICE_PASSWORD: PROCESS_SECRET }),
      box.root,
    );

    expect(result.exitCode).toBe(1);
    const entries = await outEntries(redis, jobId);
    const published = JSON.stringify(entries);
    expect(entries.at(-1)).toMatchObject({
      type: 'error',
      reason: 'login failed for [redacted] with [redacted]',
    });
    expect(published).not.toContain(TOKEN_SHAPED);
    expect(published).not.toContain(PROCESS_SECRET);
  });
});
