import { BUDGET_CHOICES } from '@agentsmith/contracts';
import type { RunContext } from '../pipeline/run-context.js';
import type { BudgetPauseFacts } from '../pipeline/run-ports.js';

const usd = (value: number) => `$${value.toFixed(2)}`;

/**
 * The 80 % budget question as the loop asks it: "continue up to $X more?" with Continue / Stop
 * (the default when nobody answers in time). The dispatcher raises the broker's cap before the
 * answer arrives, so "Continue" lets the next call through.
 */
export function budgetQuestion(
  context: RunContext,
  signal: AbortSignal,
): (pause: BudgetPauseFacts) => Promise<boolean> {
  let asked = 0;
  return async (pause) => {
    asked += 1;
    const answer = await context.reporter.ask(
      {
        questionId: `budget-${context.intent.ticketId}-${asked}-${Date.now()}`,
        text:
          `This job has spent ${usd(pause.spentUsd)} of its ${usd(pause.capUsd)} LLM budget. ` +
          `Continue up to ${usd(pause.stepUsd)} more? Stop keeps the work so far as a draft pull request.`,
        choices: [BUDGET_CHOICES.continue, BUDGET_CHOICES.stop],
        defaultChoice: BUDGET_CHOICES.stop,
        timeoutSeconds: pause.timeoutSeconds,
        kind: 'budget',
      },
      signal,
    );
    return answer === BUDGET_CHOICES.continue;
  };
}

/** The top of an unfinished pull request's body: that it is a draft, and why. */
export function unfinishedNote(reason: string): string[] {
  return [
    '> [!WARNING]',
    `> **Unfinished.** ${reason} This draft holds the work done so far; it was not completed or fully tested.`,
    '',
  ];
}
