import type { RunContext } from '../pipeline/run-context.js';
import type { CodingTask, Ticket } from '../pipeline/run-ports.js';
import { budgetQuestion } from './budget-stop.js';
import { compareWithBaseline, describeBaseline, renderComparison } from './test-baseline.js';

export const APPROVE = 'Approve';
export const REJECT = 'Reject';

/**
 * The coding loop's task as the steps build it: the ticket and its comments, the test command and
 * baseline, the plan approval (when `approval: required`) and the finish gate's test check.
 */
export function codingTask(
  context: RunContext,
  ticket: Ticket,
  repositoryPath: string,
  signal: AbortSignal,
  extra: { instructions?: string } = {},
): CodingTask {
  const command = context.state.testCommand ?? null;
  const baseline = context.state.baseline;
  return {
    ticket,
    comments: ticket.comments ?? [],
    repositoryPath,
    codingPrinciples: context.state.codingPrinciples,
    ...extra,
    testCommand: command,
    baseline: baseline ? describeBaseline(baseline.command, baseline.run) : undefined,
    approvePlan:
      context.settings.approval === 'required' && context.state.approvedPlan === undefined
        ? async (plan) => {
            const answer = await context.reporter.ask(
              {
                questionId: `approve-plan-${context.intent.ticketId}`,
                text: `Apply this plan?\n${plan}`,
                choices: [APPROVE, REJECT],
                defaultChoice: REJECT,
                timeoutSeconds: context.settings.approvalTimeoutSeconds,
              },
              signal,
            );
            if (answer !== APPROVE) {
              return { approved: false, reason: `The answer was "${answer}".` };
            }
            context.state.approvedPlan = plan;
            context.state.approved = true;
            return { approved: true };
          }
        : undefined,
    budgetQuestion: budgetQuestion(context, signal),
    checkBeforeFinish:
      command === null
        ? undefined
        : async () => {
            const run = await context.tests.run(repositoryPath, command, { signal });
            const comparison = compareWithBaseline(baseline?.run, run);
            return {
              acceptable: comparison.acceptable,
              report: renderComparison(command, run, comparison),
            };
          },
  };
}
