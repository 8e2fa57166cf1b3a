import {
  CancelledError,
  isAbortError,
  toAppError,
  type AppError,
  type Logger,
} from '@agentsmith/kit';
import type { ProgressReporter, StepEnd } from '../progress/progress-reporter.js';
import type { Step, StepOutcome } from './step.js';

/** How a pipeline run ended. */
export type PipelineResult =
  | { outcome: 'succeeded'; total: number }
  | {
      outcome: 'failed' | 'cancelled';
      /** 1-based step that failed or was running when cancelled. */
      step: number;
      total: number;
      stepName: string;
      error: AppError;
    };

export interface RunPipelineOptions {
  reporter: ProgressReporter;
  signal: AbortSignal;
  logger: Logger;
  now?: () => number;
  /** LLM cost so far (USD), reported with each step; undefined while unknown. */
  costSoFar?: () => number | undefined;
}

/**
 * Runs the steps in order, reporting each start and end. Stops at the first failed step or when
 * the signal aborts; a step that throws is a failed step (or a cancelled one, when aborted).
 */
export async function runPipeline<Context>(
  steps: readonly Step<Context>[],
  context: Context,
  options: RunPipelineOptions,
): Promise<PipelineResult> {
  const now = options.now ?? Date.now;
  const total = steps.length;
  for (const [index, step] of steps.entries()) {
    const progress = { step: index + 1, total, label: step.label, stepName: step.name };
    const costUsd = options.costSoFar?.();
    const logger = options.logger.child({ step: step.name });
    if (options.signal.aborted) {
      return { outcome: 'cancelled', ...progress, error: cancelled(options.signal) };
    }
    await options.reporter.stepStarted(costUsd === undefined ? progress : { ...progress, costUsd });
    const started = now();
    logger.info(`${step.name} started`);
    const outcome = await runStep(step, context, options.signal);
    const cancelledNow =
      options.signal.aborted || (outcome.kind === 'failed' && isAbortError(outcome.error));
    const end: StepEnd = {
      ...progress,
      status: cancelledNow ? 'cancelled' : outcome.kind,
      message: describe(outcome),
      durationMs: now() - started,
    };
    await options.reporter.stepEnded(end);
    if (cancelledNow) {
      logger.warn({ durationMs: end.durationMs }, 'step cancelled');
      return { outcome: 'cancelled', ...progress, error: cancelled(options.signal) };
    }
    if (outcome.kind === 'failed') {
      logger.warn({ code: outcome.error.code, error: outcome.error }, 'step failed');
      return { outcome: 'failed', ...progress, error: outcome.error };
    }
    logger.info(
      { durationMs: end.durationMs, status: outcome.kind },
      `${step.name} ${outcome.kind}`,
    );
  }
  return { outcome: 'succeeded', total };
}

async function runStep<Context>(
  step: Step<Context>,
  context: Context,
  signal: AbortSignal,
): Promise<StepOutcome> {
  try {
    return await step.run(context, signal);
  } catch (error) {
    return { kind: 'failed', error: toAppError(error) };
  }
}

function describe(outcome: StepOutcome): string {
  switch (outcome.kind) {
    case 'completed':
      return outcome.message;
    case 'skipped':
      return outcome.reason;
    case 'failed':
      return outcome.error.message;
  }
}

function cancelled(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  const message = reason instanceof CancelledError ? reason.message : 'The run was cancelled.';
  return new CancelledError(message, { cause: reason });
}
