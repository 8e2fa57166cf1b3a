import { EXIT_CODES, ticketLabel, type ExitCode } from '@agentsmith/contracts';
import type { RunFailure, RunSummary } from '../progress/progress-reporter.js';
import type { RunContext } from './run-context.js';
import { runPipeline } from './run-pipeline.js';
import type { Step } from './step.js';
import { workspaceFullError } from './workspace-full.js';
import { TicketWriteback } from './ticket-writeback.js';

/** How a whole run ended, with the exit code the CLI returns. */
export type RunResult =
  | { outcome: 'succeeded'; exitCode: ExitCode; summary: RunSummary }
  | { outcome: 'failed' | 'cancelled'; exitCode: ExitCode; failure: RunFailure };

/**
 * Runs the pipeline for one ticket: progress per step, ticket writeback (start, failure,
 * completion) and exactly one final report (`done` or `failed`) through the reporter.
 */
export async function runFixTicket(
  steps: readonly Step<RunContext>[],
  context: RunContext,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<RunResult> {
  const started = now();
  const writeback = new TicketWriteback(
    context.tracker,
    context.logger,
    context.settings.completedState,
  );
  const result = await runPipeline(steps, context, {
    reporter: context.reporter,
    signal,
    logger: context.logger,
    now,
    costSoFar: () => context.coder.costUsd(),
  });
  const { ticket } = context.state;
  for (const line of context.coder.usageLines()) context.reporter.detail(`LLM usage: ${line}`);

  if (result.outcome === 'succeeded') {
    const changedFiles = context.state.changedFiles ?? [];
    const summary: RunSummary = {
      summary: successSummary(context),
      prUrl: context.state.prUrl,
      costUsd: context.coder.costUsd(),
      durationMs: now() - started,
      changedFiles,
      ...(context.state.unfinished ? { unfinished: context.state.unfinished } : {}),
    };
    if (ticket) {
      await writeback.completed(ticket, summary, signal);
    }
    await context.reporter.done(summary);
    return { outcome: 'succeeded', exitCode: EXIT_CODES.success, summary };
  }

  const error =
    result.outcome === 'failed'
      ? ((await workspaceFullError(result.error, context.state.source?.path)) ?? result.error)
      : result.error;
  const failure: RunFailure = {
    step: result.step,
    total: result.total,
    stepName: result.stepName,
    code: result.outcome === 'cancelled' ? 'run_cancelled' : error.code,
    reason: result.outcome === 'cancelled' ? 'The run was cancelled.' : error.message,
    outcome: result.outcome,
  };
  if (ticket) {
    // The run's own signal may be aborted (cancel); the comment still deserves a few seconds.
    await writeback.failed(ticket, failure, AbortSignal.timeout(10_000));
  }
  await context.reporter.failed(failure);
  return {
    outcome: result.outcome,
    exitCode: result.outcome === 'cancelled' ? EXIT_CODES.cancelled : EXIT_CODES.failed,
    failure,
  };
}

function successSummary(context: RunContext): string {
  const { ticket, codingSummary, prUrl } = context.state;
  const subject = ticket
    ? `${ticketLabel(ticket.id)} ${ticket.title}`
    : ticketLabel(context.intent.ticketId);
  if (prUrl && context.state.unfinished) {
    return `Unfinished work on ${subject} (draft pull request): ${codingSummary ?? 'see the pull request'}`;
  }
  if (prUrl) return `Fixed ${subject}: ${codingSummary ?? 'see the pull request'}`;
  return `Finished ${subject}${codingSummary ? `: ${codingSummary}` : ''}`;
}
