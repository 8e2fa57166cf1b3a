import { COMMAND_NAMES, CURRENT_COMMAND_NAMES } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import {
  fakeRunContext,
  MemorySource,
  ScriptedCoder,
  ScriptedTests,
} from '../../test/fakes/fake-run-context.js';
import { stepsFor } from '../steps/step-registry.js';
import { runFixTicket } from './run-fix-ticket.js';

const ALL = stepsFor(CURRENT_COMMAND_NAMES);
const run = (context: ReturnType<typeof fakeRunContext>) =>
  runFixTicket(ALL, context, new AbortController().signal);

/** A coder that changes src/a.ts, after calling the finish gate's test check like the loop does. */
function changingCoder(source: MemorySource, reports: string[] = []) {
  return new ScriptedCoder(async (task) => {
    source.changed = ['src/a.ts'];
    if (task.checkBeforeFinish) reports.push((await task.checkBeforeFinish()).report);
    return { summary: 'tried', changedFiles: ['src/a.ts'] };
  });
}

describe('pipeline/run-fix-ticket', () => {
  it('takes a ticket to a pull request and writes back to the ticket', async () => {
    const context = fakeRunContext({ tests: new ScriptedTests('npm test', [true, true]) });

    const result = await run(context);

    expect(result).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(context.source.commits).toEqual(['fix: Off by one (#58)']);
    const [pr] = context.gitHost.pullRequests;
    expect(pr).toMatchObject({ head: 'fix/58', base: 'main', title: 'fix: Off by one (#58)' });
    expect(pr?.body).toContain('Fixes #58');
    expect(pr?.body).toContain('- `src/a.ts`');
    expect(pr?.body).toContain('### Tests\nBefore any change, `npm test` passed.');
    expect(context.tracker.comments.map((comment) => comment.body.split('\n')[0])).toEqual([
      '🤖 **Agent Smith** is working on this ticket. A pull request will follow.',
      '## Agent Smith - Completed',
    ]);
    expect(context.tracker.comments[1]?.body).toContain('https://example.test/o/r/pull/1');
    expect(context.tracker.comments[1]?.body).toContain('$0.0123');
    expect(context.reporter.of('done')).toEqual([
      {
        kind: 'done',
        summary: {
          summary: 'Fixed #58 Off by one: Fixed the loop bound',
          prUrl: 'https://example.test/o/r/pull/1',
          costUsd: 0.0123,
          durationMs: 0,
          changedFiles: ['src/a.ts'],
        },
      },
    ]);
    expect(
      context.reporter
        .of('started')
        .map((event) => `${event.progress.step}/${event.progress.total}`),
    ).toEqual(['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);
  });

  it('tells the loop the test command and the baseline, and gives it a test check', async () => {
    const tests = new ScriptedTests('npm test', [{ failures: ['old_a', 'old_b'] }, true, true]);
    const source = new MemorySource();
    const reports: string[] = [];
    const coder = changingCoder(source, reports);
    const context = { ...fakeRunContext({ tests, coder }), source };

    const result = await run(context);

    expect(result.outcome).toBe('succeeded');
    expect(coder.tasks[0]).toMatchObject({
      testCommand: 'npm test',
      baseline:
        'Before any change, these tests already failed: old_a, old_b. They are not yours to fix unless the ticket is about them.',
    });
    expect(reports).toEqual(['$ npm test\nTests pass.\nFixed by the change: old_a, old_b']);
  });

  it('accepts failures that were there before the change, and names them', async () => {
    const tests = new ScriptedTests('pytest', [
      { failures: ['test_old'] },
      { failures: ['test_old'] },
      { failures: ['test_old'] },
    ]);
    const source = new MemorySource();
    const context = { ...fakeRunContext({ tests, coder: changingCoder(source) }), source };

    const result = await run(context);

    expect(result.outcome).toBe('succeeded');
    expect(context.reporter.of('ended').at(-2)?.end.message).toEqual(
      'No new test failures (pytest; already failing before: test_old)',
    );
  });

  it('judges by exit status when no test is named and the baseline failed too', async () => {
    const tests = new ScriptedTests('make test', [false, false, false]);
    const source = new MemorySource();
    const context = { ...fakeRunContext({ tests, coder: changingCoder(source) }), source };

    const result = await run(context);

    expect(result.outcome).toBe('succeeded');
    expect(context.reporter.of('ended').at(-2)?.end.message).toEqual(
      'No new test failures (make test; they failed before the change too)',
    );
  });

  it('gives repair rounds the new failures with their sections, then fails naming them', async () => {
    const after = { failures: ['test_old', 'test_new'] };
    const tests = new ScriptedTests('pytest', [
      { failures: ['test_old'] },
      after,
      after,
      after,
      after,
      after,
      after,
    ]);
    const source = new MemorySource();
    const coder = changingCoder(source);
    const context = { ...fakeRunContext({ tests, coder }), source };

    const result = await run(context);

    expect(result).toMatchObject({
      outcome: 'failed',
      failure: { step: 6, total: 7, stepName: 'TestCommand', code: 'tests_failed' },
    });
    const reason = result.outcome !== 'succeeded' ? result.failure.reason : '';
    expect(reason).toContain('New failures: test_new');
    expect(reason).toContain('Already failing before the change: test_old');
    expect(reason).toContain('--- test_new: test_new failed\n--- test_new\nexpected 2, got 3');
    // Baseline, then per session: the finish check and the step's own run.
    expect(tests.runs).toHaveLength(7);
    expect(coder.tasks.map((task) => task.instructions?.split('\n')[0])).toEqual([
      undefined,
      'The tests fail after your change where they did not before. Fix the code (not the tests) so that they pass, then call finish again.',
      'The tests fail after your change where they did not before. Fix the code (not the tests) so that they pass, then call finish again.',
    ]);
    expect(coder.tasks[1]?.instructions).toContain('--- test_new: test_new failed');
    expect(context.tracker.comments[1]?.body).toContain('**Step:** TestCommand (6/7)');
    expect(source.commits).toEqual([]);
  });

  it('passes after one repair round', async () => {
    const context = fakeRunContext({ tests: new ScriptedTests('npm test', [true, false, true]) });

    const result = await run(context);

    expect(result.outcome).toBe('succeeded');
  });

  it('fails clearly when the agent changes nothing', async () => {
    const context = fakeRunContext({
      coder: new ScriptedCoder(() => ({ summary: 'nothing to do', changedFiles: [] })),
    });

    const result = await run(context);

    expect(result).toMatchObject({
      failure: { stepName: 'AgenticExecuteCommand', code: 'source_no_changes' },
    });
  });

  it('ends as workspace_full, saying how to raise the limit, when a step runs out of disk', async () => {
    const context = fakeRunContext({
      coder: new ScriptedCoder(() => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
      }),
    });

    const result = await run(context);

    expect(result).toMatchObject({
      outcome: 'failed',
      failure: { stepName: 'AgenticExecuteCommand', code: 'workspace_full' },
    });
    expect(result.outcome === 'failed' && result.failure.reason).toContain(
      "Raise AGENT_WORKSPACE_SIZE in the dispatcher's environment",
    );
  });

  it('updates the open pull request of the branch instead of opening another', async () => {
    const context = fakeRunContext();
    await context.gitHost.ensurePullRequest({
      head: 'fix/58',
      base: 'main',
      title: 'old',
      body: 'old',
    });

    const result = await run(context);

    expect(result.outcome).toBe('succeeded');
    expect(context.gitHost.pullRequests).toHaveLength(1);
    expect(context.gitHost.pullRequests[0]?.title).toBe('fix: Off by one (#58)');
    expect(context.reporter.of('ended').at(-1)?.end.message).toMatch(/^Updated pull request/);
  });

  it.each`
    answer       | outcome
    ${'Approve'} | ${'succeeded'}
    ${undefined} | ${'failed'}
  `(
    'lets the loop submit its plan when approval is required (answer $answer)',
    async ({ answer, outcome }) => {
      const context = fakeRunContext({ settings: { approval: 'required' } });
      const source = context.source;
      const coder = new ScriptedCoder(async (task) => {
        const decision = await task.approvePlan?.('1. Fix the bound in src/a.ts:12');
        if (!decision?.approved) {
          return { summary: '', changedFiles: [], stopReason: 'plan-rejected' };
        }
        source.changed = ['src/a.ts'];
        return { summary: 'Fixed the bound', changedFiles: ['src/a.ts'] };
      });
      context.reporter.answer = answer as string | undefined;

      const result = await run({ ...context, coder });

      expect(result.outcome).toBe(outcome);
      expect(context.reporter.of('ask')[0]?.question).toMatchObject({
        text: 'Apply this plan?\n1. Fix the bound in src/a.ts:12',
        choices: ['Approve', 'Reject'],
        defaultChoice: 'Reject',
      });
      if (outcome === 'failed') {
        expect(result).toMatchObject({
          failure: { stepName: 'AgenticExecuteCommand', code: 'approval_rejected' },
        });
      } else {
        expect(context.gitHost.pullRequests[0]?.body).toContain(
          '### Plan (approved before the change)\n1. Fix the bound in src/a.ts:12',
        );
      }
    },
  );

  it('maps the step names of earlier pipelines so that [n/N] counts real steps', () => {
    expect(
      stepsFor(COMMAND_NAMES.filter((name) => name !== 'BaselineTestCommand')).map(
        (step) => step.name,
      ),
    ).toEqual([
      'FetchTicketCommand',
      'CheckoutSourceCommand',
      'LoadCodingPrinciplesCommand',
      'AgenticExecuteCommand',
      'TestCommand',
      'CommitAndPRCommand',
      'BaselineTestCommand',
    ]);
    const legacy = [
      'FetchTicketCommand',
      'CheckoutSourceCommand',
      'LoadCodingPrinciplesCommand',
      'AnalyzeCodeCommand',
      'GeneratePlanCommand',
      'ApprovalCommand',
      'AgenticExecuteCommand',
      'TestCommand',
      'CommitAndPRCommand',
    ] as const;
    expect(stepsFor(legacy).map((step) => step.name)).toEqual([...CURRENT_COMMAND_NAMES]);
  });
});
