import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import { completed, failed, type Step } from '../pipeline/step.js';
import { requireState } from './require-state.js';

/** Runs the coding loop on the working copy; a session that changes nothing fails clearly. */
export const agenticExecuteStep: Step<RunContext> = {
  name: 'AgenticExecuteCommand',
  label: 'Executing plan',
  async run(context, signal) {
    const ticket = requireState(context.state, 'ticket', 'FetchTicketCommand');
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const result = await context.coder.execute(
      {
        ticket,
        repositoryPath: source.path,
        plan: context.state.plan,
        codingPrinciples: context.state.codingPrinciples,
      },
      { signal, onDetail: (text) => context.reporter.detail(text) },
    );
    context.state.codingSummary = result.summary;
    const changedFiles = await context.source.changedFiles({ signal });
    context.state.changedFiles = changedFiles;
    if (changedFiles.length === 0) {
      return failed(
        new AppError(
          'source_no_changes',
          `The agent finished without changing any file, so there is nothing to commit. Its summary: ${result.summary}`,
        ),
      );
    }
    const count = changedFiles.length === 1 ? '1 file' : `${changedFiles.length} files`;
    return completed(`Changed ${count}: ${changedFiles.join(', ')}`);
  },
};
