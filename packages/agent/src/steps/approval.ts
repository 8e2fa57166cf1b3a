import { AppError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import type { Plan } from '../pipeline/run-ports.js';
import { completed, failed, type Step } from '../pipeline/step.js';
import { requireState } from './require-state.js';

export const APPROVE = 'Approve';
export const REJECT = 'Reject';

/**
 * Lets a human approve the plan when the project says `approval: required` (a Question in job
 * mode, a prompt on a terminal). Nobody answering means the default: reject.
 */
export const approvalStep: Step<RunContext> = {
  name: 'ApprovalCommand',
  label: 'Awaiting approval',
  async run(context, signal) {
    const plan = requireState(context.state, 'plan', 'GeneratePlanCommand');
    if (context.settings.approval === 'auto') {
      context.state.approved = true;
      return completed('Plan approved automatically (approval: auto)');
    }
    const answer = await context.reporter.ask(
      {
        questionId: `approve-plan-${context.intent.ticketId}`,
        text: planQuestion(plan),
        choices: [APPROVE, REJECT],
        defaultChoice: REJECT,
        timeoutSeconds: context.settings.approvalTimeoutSeconds,
      },
      signal,
    );
    context.state.approved = answer === APPROVE;
    if (!context.state.approved) {
      return failed(
        new AppError('approval_rejected', 'The plan was not approved, so no code was changed.'),
      );
    }
    return completed('Plan approved');
  },
};

function planQuestion(plan: Plan): string {
  const steps = plan.steps.map((step, index) => `${index + 1}. ${step.description}`);
  return [`Apply this plan? ${plan.summary}`, ...steps].join('\n');
}
