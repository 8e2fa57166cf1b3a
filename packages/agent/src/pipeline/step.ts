import type { AppError } from '@agentsmith/kit';

/** How one step ended. Expected conditions (ticket not found, no changes) are results, not throws. */
export type StepOutcome =
  | { kind: 'completed'; message: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: AppError };

/** A named pipeline step: a plain object with a run function. */
export interface Step<Context> {
  /** The command name used in the configuration, e.g. `FetchTicketCommand`. */
  readonly name: string;
  /** What the user sees while it runs, e.g. "Fetching ticket". */
  readonly label: string;
  run(context: Context, signal: AbortSignal): Promise<StepOutcome>;
}

export function completed(message: string): StepOutcome {
  return { kind: 'completed', message };
}

export function skipped(reason: string): StepOutcome {
  return { kind: 'skipped', reason };
}

export function failed(error: AppError): StepOutcome {
  return { kind: 'failed', error };
}
