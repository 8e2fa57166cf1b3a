import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import type { TestRun } from '../pipeline/run-ports.js';
import { completed, failed, skipped, type Step } from '../pipeline/step.js';
import { failureSummary } from '../test-runner/index.js';
import { codingTask } from './coding-task.js';
import { requireState } from './require-state.js';
import { compareWithBaseline, renderComparison, type TestComparison } from './test-baseline.js';

/**
 * Runs the repository's tests after the change and compares them with the baseline: only tests
 * that fail now and did not before count. Then the coding loop gets the failing tests' sections
 * and repairs, up to `testRepairRounds` times; then the step fails naming the new failures.
 */
export const testStep: Step<RunContext> = {
  name: 'TestCommand',
  label: 'Running tests',
  async run(context, signal) {
    const ticket = requireState(context.state, 'ticket', 'FetchTicketCommand');
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const command =
      context.state.testCommand === undefined
        ? await context.tests.detect(source.path)
        : context.state.testCommand;
    if (command === null) return skipped('No test framework detected');
    const baseline = context.state.baseline?.run;

    const rounds = context.settings.testRepairRounds;
    let result = await runOnce(context, source.path, command, signal);
    let comparison = compareWithBaseline(baseline, result);
    // Unfinished work (stopped for money) gets no repair round: the broker refuses its calls.
    for (
      let round = 1;
      !comparison.acceptable && !context.state.unfinished && round <= rounds;
      round += 1
    ) {
      context.reporter.detail(`New test failures; repair round ${round} of ${rounds}`);
      const repair = await context.coder.execute(
        codingTask(context, ticket, source.path, signal, {
          instructions: repairInstructions(command, result, comparison),
        }),
        { signal, onDetail: (text) => context.reporter.detail(text) },
      );
      if (repair.budgetStop) context.state.unfinished = repair.budgetStop;
      result = await runOnce(context, source.path, command, signal);
      comparison = compareWithBaseline(baseline, result);
    }
    context.state.testOutput = result.output;
    context.state.testReport = renderComparison(command, result, comparison);
    context.state.changedFiles = await context.source.changedFiles({ signal });
    if (result.passed) return completed(`Tests pass (${command})`);
    if (comparison.acceptable) {
      return completed(`No new test failures (${command}; ${alreadyFailing(comparison)})`);
    }
    if (context.state.unfinished) {
      return completed(`Tests fail (${command}); the draft pull request is unfinished and says so`);
    }
    const repaired = rounds === 1 ? '1 repair round' : `${rounds} repair rounds`;
    return failed(
      new AppError(
        'tests_failed',
        `Tests fail after the change and ${repaired}:\n${context.state.testReport}`,
        {
          details: {
            command,
            exitCode: result.exitCode,
            newFailures: comparison.newFailures.map((failure) => failure.name),
            alreadyFailing: comparison.stillFailing,
          },
        },
      ),
    );
  },
};

function alreadyFailing(comparison: TestComparison): string {
  return comparison.stillFailing.length > 0
    ? `already failing before: ${comparison.stillFailing.join(', ')}`
    : 'they failed before the change too';
}

async function runOnce(
  context: RunContext,
  path: string,
  command: string,
  signal: AbortSignal,
): Promise<TestRun> {
  context.reporter.detail(`Running ${command}`);
  const result = await context.tests.run(path, command, { signal });
  context.reporter.detail(
    result.passed
      ? 'Tests passed'
      : result.failures.length > 0
        ? `Tests failed: ${failureSummary(result.failures)}`
        : `Tests failed (exit code ${result.exitCode ?? 'none'})`,
  );
  return result;
}

function repairInstructions(command: string, result: TestRun, comparison: TestComparison): string {
  return [
    'The tests fail after your change where they did not before. Fix the code (not the tests) so that they pass, then call finish again.',
    renderComparison(command, result, comparison),
  ].join('\n\n');
}
