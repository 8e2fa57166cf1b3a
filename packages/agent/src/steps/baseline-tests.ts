import type { RunContext } from '../pipeline/run-context.js';
import { completed, skipped, type Step } from '../pipeline/step.js';
import { requireState } from './require-state.js';
import { describeBaseline } from './test-baseline.js';

/**
 * Runs the tests before any change, so that the finish gate and the test step judge the change by
 * new failures only, and the loop knows the exact test command and what already fails. A failing
 * baseline is information, never a failed step.
 */
export const baselineTestStep: Step<RunContext> = {
  name: 'BaselineTestCommand',
  label: 'Running tests before the change',
  async run(context, signal) {
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const command = await context.tests.detect(source.path);
    context.state.testCommand = command;
    if (command === null) return skipped('No test command found; the change cannot be tested');
    context.reporter.detail(`Running ${command}`);
    const run = await context.tests.run(source.path, command, { signal });
    context.state.baseline = { command, run };
    const description = describeBaseline(command, run);
    context.reporter.detail(description);
    return completed(
      run.passed
        ? `Tests pass before the change (${command})`
        : `Tests already fail before the change (${command}, ${run.failures.length > 0 ? `${run.failures.length} failing` : `exit code ${run.exitCode ?? 'none'}`})`,
    );
  },
};
