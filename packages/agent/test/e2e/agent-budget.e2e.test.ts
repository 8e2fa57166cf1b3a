import {
  BUDGET_ASK_HEADERS,
  BUDGET_CHOICES,
  BUDGET_HEADER,
  type BusEntry,
  type Done,
  type Question,
} from '@agentsmith/contracts';
import { fixingSumTurns, type FakeLlmTurn } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgent } from './agent-cli.js';
import { githubFixture, REPO, type GithubFixture } from './github-fixture.js';
import { outEntries, sendToJob, waitForEntry } from './job-stream.js';

/**
 * The credential broker's answer when a job reaches 80 % of its budget (see
 * packages/dispatcher/src/broker/llm-errors.ts): Anthropic's error shape, HTTP 402, and the
 * figures of the question in headers.
 */
function brokerPause(timeoutSeconds: number): FakeLlmTurn {
  return {
    status: 402,
    headers: {
      [BUDGET_HEADER]: 'ask',
      [BUDGET_ASK_HEADERS.spentUsd]: '0.8100',
      [BUDGET_ASK_HEADERS.capUsd]: '1.0000',
      [BUDGET_ASK_HEADERS.stepUsd]: '2.0000',
      [BUDGET_ASK_HEADERS.timeoutSeconds]: String(timeoutSeconds),
    },
    body: {
      type: 'error',
      error: { type: 'budget_exhausted', message: 'LLM budget almost spent: $0.81 of $1.00.' },
    },
  };
}

describe('agent (the budget question in job mode)', () => {
  let world: GithubFixture;

  beforeEach(async () => {
    world = await githubFixture();
    await world.configure();
  });
  afterEach(async () => {
    await world.stop();
  });

  const [editTurn, finishTurn] = fixingSumTurns() as [FakeLlmTurn, FakeLlmTurn];
  const questionOf = (entry: BusEntry) => entry as Question;
  const doneOf = async () =>
    (await outEntries(world.redis, world.jobId)).find(
      (entry): entry is Done => entry.type === 'done',
    );

  it('asks at the pause; "Continue" lets the loop call again and finish with a ready pull request', async () => {
    world.llm.script(editTurn, brokerPause(600), finishTurn);
    const run = startAgent(world.jobArgs(), world.env(), world.box.root);

    const question = questionOf(
      await waitForEntry(world.redis, world.jobId, (entry) => entry.type === 'question'),
    );
    expect(question).toMatchObject({
      kind: 'budget',
      choices: ['Continue', 'Stop'],
      defaultChoice: 'Stop',
      timeoutSeconds: 600,
    });
    expect(question.text).toContain('spent $0.81 of its $1.00 LLM budget');
    expect(question.text).toContain('Continue up to $2.00 more?');
    await sendToJob(world.redis, world.jobId, {
      type: 'answer',
      questionId: question.questionId,
      content: BUDGET_CHOICES.continue,
      answeredBy: 'U1',
    });
    const result = await run.exited;

    expect(result.exitCode, result.stderr).toBe(0);
    const [pull] = world.github.pulls(REPO);
    expect(pull).toMatchObject({ head: 'fix/58', draft: false });
    expect(pull?.body).not.toContain('Unfinished');
    expect((await doneOf())?.unfinished).toBeUndefined();
  });

  it('"Stop" keeps the work: a commit and a draft pull request that says it is unfinished', async () => {
    world.llm.script(editTurn, brokerPause(600));
    const run = startAgent(world.jobArgs(), world.env(), world.box.root);

    const question = questionOf(
      await waitForEntry(world.redis, world.jobId, (entry) => entry.type === 'question'),
    );
    await sendToJob(world.redis, world.jobId, {
      type: 'answer',
      questionId: question.questionId,
      content: BUDGET_CHOICES.stop,
      answeredBy: 'U1',
    });
    const result = await run.exited;

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await world.box.repo.showInOrigin('fix/58:src/sum.js')).toContain('return a + b;');
    const [pull, ...others] = world.github.pulls(REPO);
    expect(others).toEqual([]);
    expect(pull).toMatchObject({ head: 'fix/58', draft: true, state: 'open' });
    expect(pull?.body).toContain('**Unfinished.** The job was stopped at its budget question');
    const done = await doneOf();
    expect(done?.unfinished).toContain('stopped at its budget question after spending $0.81');
    expect(done?.summary).toMatch(/^Unfinished work on #58 Sum is wrong \(draft pull request\)/);
    expect(world.github.comments(REPO, 58).at(-1)).toContain('## Agent Smith - Unfinished');
    // The loop made no call after the refusal: the answer ended it.
    expect(world.llm.requests).toHaveLength(2);
  });

  it('takes "Stop" when nobody answers in time, with the same draft pull request', async () => {
    world.llm.script(editTurn, brokerPause(1));
    const result = await startAgent(world.jobArgs(), world.env(), world.box.root).exited;

    expect(result.exitCode, result.stderr).toBe(0);
    const [pull] = world.github.pulls(REPO);
    expect(pull).toMatchObject({ draft: true });
    expect(pull?.body).toContain('**Unfinished.**');
    expect((await doneOf())?.unfinished).toContain('stopped at its budget question');
  });
});
