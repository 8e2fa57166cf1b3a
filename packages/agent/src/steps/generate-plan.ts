import type { RunContext } from '../pipeline/run-context.js';
import { completed, type Step } from '../pipeline/step.js';
import { requireState } from './require-state.js';

/** Asks the planning model for a structured plan of the change. */
export const generatePlanStep: Step<RunContext> = {
  name: 'GeneratePlanCommand',
  label: 'Generating plan',
  async run(context, signal) {
    const ticket = requireState(context.state, 'ticket', 'FetchTicketCommand');
    const plan = await context.coder.plan(
      {
        ticket,
        analysis: context.state.analysis,
        codingPrinciples: context.state.codingPrinciples,
      },
      { signal, onDetail: (text) => context.reporter.detail(text) },
    );
    context.state.plan = plan;
    plan.steps.forEach((step, index) =>
      context.reporter.detail(`Plan ${index + 1}. ${step.description}`),
    );
    const count = plan.steps.length === 1 ? '1 step' : `${plan.steps.length} steps`;
    return completed(`Plan with ${count}: ${plan.summary}`);
  },
};
