import type { CommandName } from '@agentsmith/providers';
import type { RunContext } from '../pipeline/run-context.js';
import type { Step } from '../pipeline/step.js';
import { agenticExecuteStep } from './agentic-execute.js';
import { analyzeCodeStep } from './analyze-code.js';
import { approvalStep } from './approval.js';
import { checkoutSourceStep } from './checkout-source.js';
import { commitAndPrStep } from './commit-and-pr.js';
import { fetchTicketStep } from './fetch-ticket.js';
import { generatePlanStep } from './generate-plan.js';
import { loadCodingPrinciplesStep } from './load-coding-principles.js';
import { testStep } from './run-tests.js';

/** Every step by its command name (the configuration validates names against this list). */
export const STEPS: Readonly<Record<CommandName, Step<RunContext>>> = {
  FetchTicketCommand: fetchTicketStep,
  CheckoutSourceCommand: checkoutSourceStep,
  LoadCodingPrinciplesCommand: loadCodingPrinciplesStep,
  AnalyzeCodeCommand: analyzeCodeStep,
  GeneratePlanCommand: generatePlanStep,
  ApprovalCommand: approvalStep,
  AgenticExecuteCommand: agenticExecuteStep,
  TestCommand: testStep,
  CommitAndPRCommand: commitAndPrStep,
};

/** The steps of a pipeline, in order. */
export function stepsFor(commands: readonly CommandName[]): Step<RunContext>[] {
  return commands.map((name) => STEPS[name]);
}
