import { EXIT_CODES, type ExitCode } from '@agentsmith/contracts';
import {
  CancelledError,
  ConfigError,
  isAbortError,
  toAppError,
  type Logger,
} from '@agentsmith/kit';
import type { ProgressReporter } from '../progress/progress-reporter.js';

/** Reports a failure outside the pipeline (input, configuration, wiring) and picks the exit code. */
export async function reportFailure(
  reporter: ProgressReporter,
  error: unknown,
  environment: { logger: Logger; signal: AbortSignal },
): Promise<ExitCode> {
  const cancelled = environment.signal.aborted || isAbortError(error);
  const appError = cancelled
    ? new CancelledError('The run was cancelled.', { cause: error })
    : toAppError(error, 'agent_crashed');
  const usage =
    appError instanceof ConfigError ||
    appError.code === 'usage_invalid_input' ||
    appError.code.startsWith('config_');
  if (!usage && !cancelled)
    environment.logger.error({ error: appError }, 'run failed before or outside the pipeline');
  await reporter.failed({
    step: 0,
    total: 0,
    stepName: 'Setup',
    code: appError.code,
    reason: appError.message,
    outcome: cancelled ? 'cancelled' : 'failed',
  });
  if (cancelled) return EXIT_CODES.cancelled;
  return usage ? EXIT_CODES.usage : EXIT_CODES.failed;
}
