import type { Done } from '@agentsmith/contracts';
import {
  git,
  type FakeGithubApi,
  type FakeLlmApi,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, startAgent, type Sandbox } from './agent-cli.js';
import { fixingSumTurns, fixingSumTurnsWithPlan } from '@agentsmith/testkit';
import { ALL_STEPS, githubFixture, TOKEN, REPO, type GithubFixture } from './github-fixture.js';
import { milestones, outEntries, sendToJob, waitForEntry } from './job-stream.js';

describe('agent (GitHub tickets and source)', () => {
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

  it('takes ticket #58 to a pull request, asking for approval through the streams (Anthropic wire)', async () => {
    await configure(
      ['approval: required'],
      '{ type: claude, model: claude-test, retry: { max_retries: 0 }, pricing: { models: { claude-test: { input_per_million: 3, output_per_million: 15 } } } }',
    );
    llm.script(...fixingSumTurnsWithPlan());

    const run = startAgent(jobArgs(), env(), box.root);
    const question = await waitForEntry(redis, jobId, (entry) => entry.type === 'question');
    await sendToJob(redis, jobId, {
      type: 'answer',
      questionId: (question as { questionId: string }).questionId,
      content: 'Approve',
      answeredBy: 'U1',
    });
    const result = await run.exited;

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await box.repo.showInOrigin('fix/58:src/sum.js')).toBe(
      'export function sum(a, b) {\n  return a + b;\n}',
    );
    expect(await git(box.repo.origin, 'log', '-1', '--format=%s', 'fix/58')).toBe(
      'fix: Sum is wrong (#58)',
    );
    const [pull, ...others] = github.pulls(REPO);
    expect(others).toEqual([]);
    expect(pull).toMatchObject({
      head: 'fix/58',
      base: 'main',
      title: 'fix: Sum is wrong (#58)',
      state: 'open',
    });
    expect(pull?.body).toContain('Fixes #58');
    expect(pull?.body).toContain('- `src/sum.js`');
    expect(pull?.body).toContain(
      '### Plan (approved before the change)\n1. Remove the stray + 1 in src/sum.js:2',
    );
    expect(pull?.body).toContain('Before any change, `npm test` already failed');
    const comments = github.comments(REPO, 58);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain('is working on this ticket');
    expect(comments[1]).toContain('## Agent Smith - Completed');
    expect(comments[1]).toContain(`https://github.com/acme/demo/pull/${pull?.number}`);
    expect(comments[1]).toMatch(/\*\*Cost:\*\* \$\d+\.\d{4}/);
    const entries = await outEntries(redis, jobId);
    expect(milestones(entries)).toEqual([
      ...ALL_STEPS.slice(0, 5).map((name, index) => `progress ${index + 1}/7 ${name}`),
      'question approve-plan-58',
      ...ALL_STEPS.slice(5).map((name, index) => `progress ${index + 6}/7 ${name}`),
      'done',
    ]);
    const done = entries.at(-1) as Done;
    expect(done).toMatchObject({
      prUrl: `https://github.com/acme/demo/pull/${pull?.number}`,
      changedFiles: ['src/sum.js'],
    });
    expect(done.costUsd).toBeGreaterThan(0);
    expect(done.summary).toContain('Removed the stray + 1 in sum');
    expect(
      entries.some(
        (entry) => entry.type === 'detail' && entry.text.includes('edit_file src/sum.js'),
      ),
    ).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    llm.assertDone();
  });

  it('updates the open pull request of fix/58 instead of opening a second one (OpenAI wire, a 429 first, console)', async () => {
    await configure(
      [],
      '{ type: openai, model: gpt-test, retry: { max_retries: 2, initial_delay_ms: 10 } }',
    );
    github.seedPullRequest(REPO, {
      head: 'fix/58',
      base: 'main',
      title: 'old title',
      body: 'old body',
    });
    llm.script({ status: 429, headers: { 'retry-after': '0' } }, ...fixingSumTurns());

    const result = await runAgent(['--config', box.configPath, 'fix #58 in demo'], env(), box.root);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(llm.requests.every((request) => request.protocol === 'openai')).toBe(true);
    const pulls = github.pulls(REPO);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: 'fix/58', title: 'fix: Sum is wrong (#58)' });
    expect(pulls[0]?.body).toContain('Fixes #58');
    expect(result.stdout).toContain('Updated pull request');
    expect(result.stdout).toMatch(/Pull request: https:\/\/github\.com\/acme\/demo\/pull\/\d+/);
    expect(result.stdout).toContain('LLM call failed (429); retry 1');
    llm.assertDone();
  });
});
