import type { FakeLlmApi, RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, type Sandbox } from './agent-cli.js';
import { githubFixture, type GithubFixture } from './github-fixture.js';
import { milestones, outEntries } from './job-stream.js';

/**
 * A crash no step handles (an exception thrown from a timer) still ends the job with an Error
 * entry naming the step that was running. The crash is injected from outside the program with
 * `NODE_OPTIONS=--import`, so the agent carries no test hook.
 */
describe('agent (a crash in job mode)', () => {
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

  it('publishes an Error entry for the running step and exits 1', async () => {
    await world.configure();
    // The loop's first call hangs; the crash lands once the agent has sent it, in the middle of step 5.
    llm.script({ text: 'never used', delayMs: 20_000 });
    const crash = [
      'const send = globalThis.fetch;',
      'globalThis.fetch = (input, init) => {',
      "  if (String(input?.url ?? input).includes('/messages'))",
      "    setTimeout(() => { throw new Error('injected crash'); }, 100);",
      '  return send(input, init);',
      '};',
    ].join('\n');
    const preload = `--import=data:text/javascript,${encodeURIComponent(crash)}`;

    const result = await runAgent(world.jobArgs(), world.env({ NODE_OPTIONS: preload }), box.root);

    expect(result.exitCode).toBe(1);
    const entries = await outEntries(redis, jobId);
    expect(milestones(entries).slice(-2)).toEqual([
      'progress 5/7 AgenticExecuteCommand',
      'error 5 AgenticExecuteCommand agent_crashed failed',
    ]);
    expect(entries.at(-1)).toMatchObject({ reason: 'injected crash' });
  });
});
