import { describe, expect, it } from 'vitest';
import {
  fakeRunContext,
  MemorySource,
  ScriptedCoder,
  ScriptedTests,
} from '../../test/fakes/fake-run-context.js';
import { STEPS, stepsFor } from '../steps/step-registry.js';
import { runFixTicket } from './run-fix-ticket.js';

const ALL = stepsFor(Object.keys(STEPS) as (keyof typeof STEPS)[]);
const run = (context: ReturnType<typeof fakeRunContext>) =>
  runFixTicket(ALL, context, new AbortController().signal);

describe('pipeline/run-fix-ticket', () => {
  it('takes a ticket to a pull request and writes back to the ticket', async () => {
    const context = fakeRunContext({ tests: new ScriptedTests('npm test', [true]) });

    const result = await run(context);

    expect(result).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(context.source.commits).toEqual(['fix: Off by one (#58)']);
    const [pr] = context.gitHost.pullRequests;
    expect(pr).toMatchObject({ head: 'fix/58', base: 'main', title: 'fix: Off by one (#58)' });
    expect(pr?.body).toContain('Fixes #58');
    expect(pr?.body).toContain('- `src/a.ts`');
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
    expect(context.reporter.of('started').map((event) => event.progress.step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('fails at step 1 with tracker_ticket_not_found and comments nothing', async () => {
    const context = fakeRunContext({ tickets: [] });

    const result = await run(context);

    expect(result).toMatchObject({
      outcome: 'failed',
      exitCode: 1,
      failure: {
        step: 1,
        total: 9,
        stepName: 'FetchTicketCommand',
        code: 'tracker_ticket_not_found',
        outcome: 'failed',
      },
    });
    expect(context.tracker.comments).toEqual([]);
  });

  it('gives the failing test output to repair rounds, then fails with its tail', async () => {
    const tests = new ScriptedTests('npm test', [false, false, false]);
    const source = new MemorySource();
    const coder = new ScriptedCoder(() => {
      source.changed = ['src/a.ts'];
      return { summary: 'tried', changedFiles: ['src/a.ts'] };
    });
    const context = { ...fakeRunContext({ tests, coder }), source };

    const result = await run(context);

    expect(result).toMatchObject({
      outcome: 'failed',
      failure: { step: 8, stepName: 'TestCommand', code: 'tests_failed' },
    });
    expect(result.outcome !== 'succeeded' && result.failure.reason).toContain('expected 2, got 3');
    expect(tests.runs).toHaveLength(3);
    expect(coder.tasks.map((task) => task.instructions?.split('\n')[0])).toEqual([
      undefined,
      'The tests fail after your change. Command: npm test',
      'The tests fail after your change. Command: npm test',
    ]);
    expect(context.tracker.comments[1]?.body).toContain('**Step:** TestCommand (8/9)');
    expect(source.commits).toEqual([]);
  });

  it('passes after one repair round', async () => {
    const context = fakeRunContext({ tests: new ScriptedTests('npm test', [false, true]) });

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
    answer       | outcome        | code
    ${'Approve'} | ${'succeeded'} | ${undefined}
    ${undefined} | ${'failed'}    | ${'approval_rejected'}
  `('asks for approval when required (answer $answer)', async ({ answer, outcome, code }) => {
    const context = fakeRunContext({ settings: { approval: 'required' } });
    context.reporter.answer = answer as string | undefined;

    const result = await run(context);

    expect(result.outcome).toBe(outcome);
    expect(context.reporter.of('ask')[0]?.question).toMatchObject({
      choices: ['Approve', 'Reject'],
      defaultChoice: 'Reject',
    });
    if (code) expect(result).toMatchObject({ failure: { stepName: 'ApprovalCommand', code } });
  });
});
