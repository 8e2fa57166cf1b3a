import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import type { Ticket } from '../pipeline/run-ports.js';
import { completed, failed, type Step } from '../pipeline/step.js';
import { ticketLabel } from '@agentsmith/contracts';
import { unfinishedNote } from './budget-stop.js';
import { requireState } from './require-state.js';
import { describeBaseline } from './test-baseline.js';

/**
 * Commits everything as `fix: <title> (#<id>)`, pushes `fix/<id>` and ensures one pull request
 * for it (an existing open PR for the branch is updated, not duplicated).
 */
export const commitAndPrStep: Step<RunContext> = {
  name: 'CommitAndPRCommand',
  label: 'Creating pull request',
  async run(context, signal) {
    const ticket = requireState(context.state, 'ticket', 'FetchTicketCommand');
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const title = `fix: ${ticket.title} (${ticketLabel(ticket.id)})`;
    const commit = await context.source.commitAndPush(title, { signal });
    if (commit === null) {
      return failed(
        new AppError(
          'source_no_changes',
          'The agent changed no file, so there is nothing to commit.',
        ),
      );
    }
    context.state.commitSha = commit.sha;
    context.state.changedFiles = commit.changedFiles;
    const { pullRequest, created } = await context.gitHost.ensurePullRequest(
      {
        head: source.branch,
        base: source.baseBranch,
        title,
        body: pullRequestBody(context, ticket, commit.changedFiles),
        ...(context.state.unfinished ? { draft: true } : {}),
      },
      { signal },
    );
    context.state.prUrl = pullRequest.url;
    context.state.prCreated = created;
    if (context.gitHost.type === 'local') {
      return completed(`Pushed branch ${source.branch} to ${pullRequest.url}`);
    }
    const kind = context.state.unfinished ? 'draft pull request' : 'pull request';
    return completed(`${created ? 'Opened' : 'Updated'} ${kind} ${pullRequest.url}`);
  },
};

/** The PR body: the ticket link (`Fixes #58` closes it on merge), the summary and the changes. */
export function pullRequestBody(
  context: RunContext,
  ticket: Ticket,
  changedFiles: string[],
): string {
  const linksTicket = /^\d+$/.test(ticket.id) && context.tracker.type === context.gitHost.type;
  const reference = linksTicket
    ? `Fixes #${ticket.id}`
    : `Ticket: ${ticketLabel(ticket.id)}${ticket.url ? ` (${ticket.url})` : ''}`;
  const unfinished = context.state.unfinished;
  const lines = [
    ...(unfinished ? unfinishedNote(unfinished) : []),
    reference,
    '',
    `**${ticket.title}**`,
  ];
  if (context.state.codingSummary) lines.push('', context.state.codingSummary);
  if (context.state.approvedPlan) {
    lines.push('', '### Plan (approved before the change)', context.state.approvedPlan);
  }
  const baseline = context.state.baseline;
  if (baseline || context.state.testReport) {
    lines.push('', '### Tests');
    if (baseline) lines.push(describeBaseline(baseline.command, baseline.run));
    if (context.state.testReport) lines.push('', '```', clip(context.state.testReport), '```');
  }
  lines.push('', '### Changes', ...changedFiles.map((file) => `- \`${file}\``));
  lines.push('', '_Opened by Agent Smith._');
  return lines.join('\n');
}

function clip(text: string): string {
  return text.length > 3000 ? `${text.slice(0, 3000)}\n[... cut]` : text;
}
