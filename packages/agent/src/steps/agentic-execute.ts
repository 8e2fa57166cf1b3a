import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import { completed, failed, type Step } from '../pipeline/step.js';
import { codingTask } from './coding-task.js';
import { requireState } from './require-state.js';

/**
 * Runs the coding loop on the working copy: it explores, (with `approval: required`) submits its
 * plan, changes the code and finishes through the test gate. A session that changes nothing, or
 * whose plan was rejected, fails clearly.
 */
export const agenticExecuteStep: Step<RunContext> = {
  name: 'AgenticExecuteCommand',
  label: 'Fixing the ticket',
  async run(context, signal) {
    const ticket = requireState(context.state, 'ticket', 'FetchTicketCommand');
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const result = await context.coder.execute(codingTask(context, ticket, source.path, signal), {
      signal,
      onDetail: (text) => context.reporter.detail(text),
      onFirstToken: () => context.reporter.markPhase?.('firstLlmToken'),
    });
    if (result.stopReason === 'plan-rejected') {
      return failed(
        new AppError('approval_rejected', 'The plan was not approved, so no code was changed.'),
      );
    }
    context.state.codingSummary = result.summary;
    if (result.budgetStop) context.state.unfinished = result.budgetStop;
    const changedFiles = await context.source.changedFiles({ signal });
    context.state.changedFiles = changedFiles;
    if (changedFiles.length === 0 && result.budgetStop) {
      return failed(
        new AppError(
          'budget_exhausted',
          `${result.budgetStop} No file was changed yet, so there is nothing to keep.`,
        ),
      );
    }
    if (changedFiles.length === 0) {
      return failed(
        new AppError(
          'source_no_changes',
          `The agent finished without changing any file, so there is nothing to commit. Its summary: ${result.summary}`,
        ),
      );
    }
    const count = changedFiles.length === 1 ? '1 file' : `${changedFiles.length} files`;
    if (result.budgetStop) {
      return completed(`Stopped unfinished (${result.budgetStop}); keeping ${count}`);
    }
    return completed(`Changed ${count}: ${changedFiles.join(', ')}`);
  },
};
