import { EXIT_CODES, type ExitCode } from '@agentsmith/contracts';
import {
  CancelledError,
  ConfigError,
  isAbortError,
  toAppError,
  type Logger,
} from '@agentsmith/kit';
import type { ProgressReporter, StepProgress } from '../progress/progress-reporter.js';

/**
 * Reports a failure outside the pipeline's own handling (input, configuration, wiring, a crash)
 * and picks the exit code. `currentStep` names the step that was running when it happened.
 */
export async function reportFailure(
  reporter: ProgressReporter,
  error: unknown,
  environment: { logger: Logger; signal: AbortSignal; currentStep?: StepProgress | undefined },
): Promise<ExitCode> {
  const cancelled = environment.signal.aborted || isAbortError(error);
  const appError = cancelled
    ? new CancelledError('The run was cancelled.', { cause: error })
    : toAppError(error, 'agent_crashed');
  const usage =
    appError instanceof ConfigError ||
    appError.code === 'usage_invalid_input' ||
    appError.code === 'protocol_version_unsupported' ||
    appError.code.startsWith('config_');
  if (!usage && !cancelled)
    environment.logger.error({ error: appError }, 'run failed before or outside the pipeline');
  const at = environment.currentStep;
  await reporter.failed({
    step: at?.step ?? 0,
    total: at?.total ?? 0,
    stepName: at?.stepName ?? 'Setup',
    code: appError.code,
    reason: appError.message,
    outcome: cancelled ? 'cancelled' : 'failed',
  });
  if (cancelled) return EXIT_CODES.cancelled;
  return usage ? EXIT_CODES.usage : EXIT_CODES.failed;
}
