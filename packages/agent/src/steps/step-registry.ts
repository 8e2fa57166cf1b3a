import type { CommandName } from '@agentsmith/providers';
import type { RunContext } from '../pipeline/run-context.js';
import type { Step } from '../pipeline/step.js';
import { agenticExecuteStep } from './agentic-execute.js';
import { baselineTestStep } from './baseline-tests.js';
import { checkoutSourceStep } from './checkout-source.js';
import { commitAndPrStep } from './commit-and-pr.js';
import { fetchTicketStep } from './fetch-ticket.js';
import { loadCodingPrinciplesStep } from './load-coding-principles.js';
import { testStep } from './run-tests.js';

/**
 * Every step by its command name. Names of earlier pipelines map (docs/agent.md):
 * `AnalyzeCodeCommand` runs the baseline tests, because the loop explores the code itself;
 * `GeneratePlanCommand` and `ApprovalCommand` map to nothing, because the loop plans from the code
 * it has read and, with `approval: required`, submits that plan from inside the loop.
 */
export const STEPS: Readonly<Record<CommandName, Step<RunContext> | undefined>> = {
  FetchTicketCommand: fetchTicketStep,
  CheckoutSourceCommand: checkoutSourceStep,
  LoadCodingPrinciplesCommand: loadCodingPrinciplesStep,
  BaselineTestCommand: baselineTestStep,
  AgenticExecuteCommand: agenticExecuteStep,
  TestCommand: testStep,
  CommitAndPRCommand: commitAndPrStep,
  AnalyzeCodeCommand: baselineTestStep,
  GeneratePlanCommand: undefined,
  ApprovalCommand: undefined,
};

/**
 * The steps of a pipeline, in order, with earlier names mapped; a step named twice (e.g. both
 * `AnalyzeCodeCommand` and `BaselineTestCommand`) runs once, so `[n/N]` counts real steps.
 */
export function stepsFor(commands: readonly CommandName[]): Step<RunContext>[] {
  const steps: Step<RunContext>[] = [];
  for (const name of commands) {
    const step = STEPS[name];
    if (step && !steps.includes(step)) steps.push(step);
  }
  return steps;
}
