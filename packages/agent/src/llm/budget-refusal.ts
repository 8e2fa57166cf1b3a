import { BUDGET_ASK_HEADERS, BUDGET_HEADER, type BudgetRefusal } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';

/** The figures of the broker's 80 % pause, for the question to the requester. */
export interface BudgetPause {
  spentUsd: number;
  capUsd: number;
  /** What "Continue" adds to the cap. */
  stepUsd: number;
  timeoutSeconds: number;
}

/** Asks the requester whether to continue; true for "Continue". */
export type BudgetQuestion = (pause: BudgetPause) => Promise<boolean>;

/**
 * The broker paused the job at 80 % of its budget: the requester decides (a `budget` question);
 * the broker refuses every call until the answer raised the cap.
 */
export class BudgetPauseError extends AppError {
  constructor(
    message: string,
    readonly pause: BudgetPause,
    cause: unknown,
  ) {
    super('budget_exhausted', message, { retryable: false, cause });
  }
}

/**
 * The job may spend no more (its cap, its requester's "stop", the question's timeout, the
 * project's daily cap): the loop ends and the run keeps its work as a draft pull request.
 */
export class BudgetStopError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('budget_exhausted', message, { retryable: false, cause });
  }
}

const number = (value: string | undefined): number => {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : 0;
};

/** The broker's money refusal as the error the loop acts on, or undefined for any other answer. */
export function budgetRefusalError(
  headers: Record<string, string> | undefined,
  message: string,
  cause: unknown,
): BudgetPauseError | BudgetStopError | undefined {
  const why = headers?.[BUDGET_HEADER] as BudgetRefusal | undefined;
  if (why === undefined) return undefined;
  if (why === 'ask') {
    const pause: BudgetPause = {
      spentUsd: number(headers?.[BUDGET_ASK_HEADERS.spentUsd]),
      capUsd: number(headers?.[BUDGET_ASK_HEADERS.capUsd]),
      stepUsd: number(headers?.[BUDGET_ASK_HEADERS.stepUsd]),
      timeoutSeconds: Math.max(1, Math.floor(number(headers?.[BUDGET_ASK_HEADERS.timeoutSeconds]))),
    };
    return new BudgetPauseError(message, pause, cause);
  }
  return new BudgetStopError(message, cause);
}

/**
 * Runs an LLM call; when the broker pauses the job, asks the requester and calls again after
 * "Continue". "Stop", no answer, or nobody to ask end it with a {@link BudgetStopError}.
 */
export async function withBudgetQuestions<T>(
  call: () => Promise<T>,
  ask: BudgetQuestion | undefined,
): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof BudgetPauseError)) throw error;
      const { spentUsd, capUsd } = error.pause;
      const spent = `$${spentUsd.toFixed(2)} of its $${capUsd.toFixed(2)} LLM budget`;
      if (!ask) throw new BudgetStopError(`The job spent ${spent} and nobody can approve more.`);
      if (!(await ask(error.pause))) {
        throw new BudgetStopError(
          `The job was stopped at its budget question after spending ${spent}.`,
        );
      }
    }
  }
}
