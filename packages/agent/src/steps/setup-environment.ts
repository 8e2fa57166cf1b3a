import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import type { CheckedOutSource } from '../pipeline/run-ports.js';
import { failed, type StepOutcome } from '../pipeline/step.js';
import { outputTail } from '../test-runner/index.js';

/**
 * The setup phase right after checkout: the project's `environment.setup` commands (or the
 * detected install command), announcing which test command will run and why. A failing command
 * ends the run with its output's tail: coding against a broken environment only wastes money.
 * Returns what to add to the checkout's message, or the failure.
 */
export async function setUpEnvironment(
  context: RunContext,
  source: CheckedOutSource,
  signal: AbortSignal,
): Promise<{ summary: string } | { outcome: StepOutcome }> {
  if (!context.environment) return { summary: '' };
  const result = await context.environment.prepare(source.path, {
    signal,
    onDetail: (text) => context.reporter.detail(text),
  });
  const { plan } = result;
  if (result.kind === 'failed') {
    const why = result.timedOut ? 'timed out' : `exit code ${result.exitCode ?? 'none'}`;
    return {
      outcome: failed(
        new AppError(
          'setup_failed',
          `Setup command failed (${result.command}, ${why}):\n${outputTail(result.output)}`,
          { details: { command: result.command, exitCode: result.exitCode } },
        ),
      ),
    };
  }
  const setup =
    plan.setup.length === 0
      ? ''
      : plan.setup.length === 1
        ? '1 setup command, '
        : `${plan.setup.length} setup commands, `;
  const tests = plan.test === null ? 'no test command' : `tests: ${plan.test}`;
  return { summary: `; ${setup}${tests} (${plan.reason})` };
}
