import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import type { TestRun } from '../pipeline/run-ports.js';
import { completed, failed, skipped, type Step } from '../pipeline/step.js';
import { failureReport, failureSummary } from '../test-runner/index.js';
import { requireState } from './require-state.js';

const TAIL_LINES = 40;
const TAIL_CHARACTERS = 4000;

/**
 * Runs the repository's tests. When they fail, the coding loop gets the failing output and
 * repairs, up to `testRepairRounds` times; then the step fails with the output's tail.
 */
export const testStep: Step<RunContext> = {
  name: 'TestCommand',
  label: 'Running tests',
  async run(context, signal) {
    const ticket = requireState(context.state, 'ticket', 'FetchTicketCommand');
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const command = await context.tests.detect(source.path);
    if (command === null) return skipped('No test framework detected');

    const rounds = context.settings.testRepairRounds;
    let result = await runOnce(context, source.path, command, signal);
    for (let round = 1; !result.passed && round <= rounds; round += 1) {
      context.reporter.detail(`Tests failed; repair round ${round} of ${rounds}`);
      await context.coder.execute(
        {
          ticket,
          repositoryPath: source.path,
          plan: context.state.plan,
          codingPrinciples: context.state.codingPrinciples,
          instructions: repairInstructions(command, result),
        },
        { signal, onDetail: (text) => context.reporter.detail(text) },
      );
      result = await runOnce(context, source.path, command, signal);
    }
    context.state.testOutput = result.output;
    context.state.changedFiles = await context.source.changedFiles({ signal });
    if (result.passed) return completed(`Tests pass (${command})`);
    const repaired = rounds === 1 ? '1 repair round' : `${rounds} repair rounds`;
    const why = result.timedOut ? 'timed out' : `exit code ${result.exitCode ?? 'none'}`;
    const failing = result.failures.length > 0 ? `, ${failureSummary(result.failures)}` : '';
    return failed(
      new AppError(
        'tests_failed',
        `Tests still fail after ${repaired} (${command}, ${why}${failing}):\n${outputTail(result.output)}`,
        { details: { command, exitCode: result.exitCode } },
      ),
    );
  },
};

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

/** The failing tests by name with their messages when the runner's output names them, else the tail. */
function repairInstructions(command: string, result: TestRun): string {
  const header = [
    `The tests fail after your change. Command: ${command}`,
    result.timedOut ? 'The test run timed out.' : `Exit code: ${result.exitCode ?? 'none'}`,
  ];
  if (result.failures.length > 0) {
    return [
      ...header,
      `Fix the code so that the tests pass. ${failureSummary(result.failures, 10)}:`,
      '',
      failureReport(result.failures),
    ].join('\n');
  }
  return [
    ...header,
    'Fix the code so that the tests pass. Failing output (tail):',
    '```',
    outputTail(result.output),
    '```',
  ].join('\n');
}

/** The last lines of a test run's output, bounded in characters. */
export function outputTail(output: string): string {
  const lines = output.trimEnd().split('\n');
  const tail = lines.slice(-TAIL_LINES).join('\n');
  return tail.length > TAIL_CHARACTERS ? tail.slice(-TAIL_CHARACTERS) : tail;
}
