import type { FakeGithubApi, FakeLlmApi, RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, startAgent, type Sandbox } from './agent-cli.js';
import { fixingSumTurns } from '@agentsmith/testkit';
import { PROTOCOL_VERSION } from '@agentsmith/contracts';
import { githubFixture, REPO, type GithubFixture } from './github-fixture.js';
import { milestones, outEntries, sendToJob, waitForEntry } from './job-stream.js';

describe('agent (failures and cancellation, job mode)', () => {
  let world: GithubFixture;
  let box: Sandbox;
  let github: FakeGithubApi;
  let llm: FakeLlmApi;
  let redis: RedisTestContext;
  let jobId: string;

  beforeEach(async () => {
    world = await githubFixture();
    ({ box, github, llm, redis, jobId } = world);
  });
  afterEach(async () => {
    await world.stop();
  });

  const configure = (extra?: string[], agent?: string) => world.configure(extra, agent);
  const env = (overrides?: NodeJS.ProcessEnv) => world.env(overrides);
  const jobArgs = (input?: string) => world.jobArgs(input);

  it('reports a missing ticket as an Error at step 1', async () => {
    await configure();

    const result = await runAgent(jobArgs('fix #404 in demo'), env(), box.root);

    expect(result.exitCode).toBe(1);
    const entries = await outEntries(redis, jobId);
    expect(milestones(entries)).toEqual([
      'progress 1/7 FetchTicketCommand',
      'error 1 FetchTicketCommand tracker_ticket_not_found failed',
    ]);
    expect(entries.at(-1)).toMatchObject({ reason: expect.stringContaining('#404') });
    expect(github.comments(REPO, 58)).toEqual([]);
  });

  it('stops at the checkout of a private repository without a token, naming GITHUB_TOKEN', async () => {
    github.addRepository('acme/secret', { private: true });
    const tickets = await box.writeFile(
      'tickets/58-sum.md',
      '# Sum is wrong\n\nsum(2, 2) returns 5.\n',
    );
    await box.writeConfig(
      [
        'projects:',
        '  demo:',
        `    source: { type: github, url: https://github.com/acme/secret.git, api_url: ${github.url} }`,
        `    tickets: { type: local, path: ${tickets.replace(/\/58-sum\.md$/, '')} }`,
        '    agent: { type: claude }',
      ].join('\n'),
    );

    const result = await runAgent(jobArgs(), env({ GITHUB_TOKEN: '' }), box.root);

    expect(result.exitCode).toBe(1);
    const last = (await outEntries(redis, jobId)).at(-1);
    expect(last).toMatchObject({
      type: 'error',
      step: 2,
      stepName: 'CheckoutSourceCommand',
      code: 'source_access_denied',
    });
    expect(last).toMatchObject({ reason: expect.stringContaining('GITHUB_TOKEN') });
  });

  it('reports an LLM that keeps failing as an Error at the first LLM step', async () => {
    await configure(
      [],
      '{ type: claude, model: claude-test, retry: { max_retries: 1, initial_delay_ms: 10, max_delay_ms: 20 } }',
    );
    llm.script({ status: 503 }, { status: 503 });

    const result = await runAgent(jobArgs(), env(), box.root);

    expect(result.exitCode).toBe(1);
    expect(milestones(await outEntries(redis, jobId)).at(-1)).toBe(
      'error 5 AgenticExecuteCommand llm_unavailable failed',
    );
    expect(github.comments(REPO, 58).at(-1)).toContain('**Step:** AgenticExecuteCommand (5/7)');
    llm.assertDone();
  });

  it('fails the test step with the output tail after the repair rounds', async () => {
    await configure(['test: { repair_rounds: 1 }']);
    const wrongEdit = (from: string, to: string) => ({
      toolCalls: [
        { name: 'edit_file', input: { path: 'src/sum.js', old_text: from, new_text: to } },
      ],
    });
    // The model stops calling tools after a wrong edit (two silent turns end a session); the
    // repair round gets the new failing output as its task.
    llm.script(
      wrongEdit('a + b + 1', 'a + b + 2'),
      { text: 'I think that is it.' },
      { text: 'Done.' },
      (request) =>
        request.lastUserText.includes('FAIL sum(2, 2) = 6')
          ? wrongEdit('a + b + 2', 'a + b + 3')
          : { text: 'no failing output given' },
      { text: 'Fixed now.' },
      { text: 'Done.' },
    );

    const result = await runAgent(jobArgs(), env(), box.root);

    expect(result.exitCode).toBe(1);
    const last = (await outEntries(redis, jobId)).at(-1);
    expect(last).toMatchObject({
      type: 'error',
      step: 6,
      stepName: 'TestCommand',
      code: 'tests_failed',
    });
    expect(last).toMatchObject({
      reason: expect.stringContaining('FAIL sum(2, 2) = 7, expected 4'),
    });
    expect(await box.repo.originBranches()).toEqual(['main']);
    expect(github.comments(REPO, 58).at(-1)).toContain('**Step:** TestCommand (6/7)');
    llm.assertDone();
  });

  it('fails clearly when the agent changes nothing', async () => {
    await configure();
    llm.script({ toolCalls: [{ name: 'finish', input: { summary: 'nothing needed' } }] });

    const result = await runAgent(jobArgs(), env(), box.root);

    expect(result.exitCode).toBe(1);
    expect(milestones(await outEntries(redis, jobId)).at(-1)).toBe(
      'error 5 AgenticExecuteCommand source_no_changes failed',
    );
    expect(github.pulls(REPO)).toEqual([]);
  });

  it.each`
    case                    | config               | input                   | code
    ${'a broken YAML file'} | ${'projects: [oops'} | ${'fix #58 in demo'}    | ${'config_invalid'}
    ${'an unknown project'} | ${undefined}         | ${'fix #58 in nope'}    | ${'config_unknown_project'}
    ${'unreadable input'}   | ${undefined}         | ${'please fix the bug'} | ${'usage_invalid_input'}
  `('exits 2 on $case and still publishes an Error entry', async ({ config, input, code }) => {
    if (config) await box.writeConfig(config as string);
    else await configure();

    const result = await runAgent(jobArgs(input as string), env(), box.root);

    expect(result.exitCode).toBe(2);
    expect(await outEntries(redis, jobId)).toEqual([
      expect.objectContaining({
        type: 'error',
        step: 0,
        stepName: 'Setup',
        code,
        outcome: 'failed',
      }),
    ]);
  });

  it('exits 2 on an unknown option and still publishes an Error entry', async () => {
    const args = ['--bogus', ...jobArgs()];

    const result = await runAgent(args, env(), box.root);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
    expect(await outEntries(redis, jobId)).toEqual([
      expect.objectContaining({
        type: 'error',
        step: 0,
        code: 'usage_invalid_input',
        outcome: 'failed',
      }),
    ]);
  });

  it('refuses a job spec of another version with an Error entry naming both versions', async () => {
    await configure();

    const result = await runAgent(jobArgs(), env({ AGENTSMITH_JOB_SPEC_VERSION: '1' }), box.root);

    expect(result.exitCode).toBe(2);
    expect(await outEntries(redis, jobId)).toEqual([
      expect.objectContaining({
        type: 'error',
        step: 0,
        code: 'protocol_version_unsupported',
        reason: expect.stringContaining(
          `The dispatcher sent job spec version 1, but this agent reads job spec version ${PROTOCOL_VERSION}`,
        ) as unknown,
        outcome: 'failed',
      }),
    ]);
    expect(github.requests).toEqual([]);
  });

  it.each`
    how
    ${'a Cancel entry'}
    ${'SIGTERM'}
  `('stops mid-run on $how: exit 130 and an Error with outcome cancelled', async ({ how }) => {
    await configure();
    const [edit] = fixingSumTurns();
    llm.script(edit!, { text: 'never used', delayMs: 60_000 });

    const run = startAgent(jobArgs(), env(), box.root);
    await waitForEntry(
      redis,
      jobId,
      (entry) => entry.type === 'detail' && entry.text.startsWith('edit_file src/sum.js'),
    );
    if (how === 'SIGTERM') run.child.kill('SIGTERM');
    else await sendToJob(redis, jobId, { type: 'cancel', requestedBy: 'U1' });
    const result = await run.exited;

    expect(result.exitCode).toBe(130);
    expect((await outEntries(redis, jobId)).at(-1)).toMatchObject({
      type: 'error',
      step: 5,
      stepName: 'AgenticExecuteCommand',
      code: 'run_cancelled',
      outcome: 'cancelled',
    });
    expect(github.comments(REPO, 58).at(-1)).toContain('**Step:** AgenticExecuteCommand (5/7)');
  });
});
