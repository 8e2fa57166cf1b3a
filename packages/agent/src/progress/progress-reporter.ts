import type { RunOutcome } from '@agentsmith/contracts';
import type { AgentPhase } from './phase-clock.js';

/** A pipeline step starting: "step 3 of 9: Checking out the source". */
export interface StepProgress {
  /** 1-based. */
  step: number;
  total: number;
  label: string;
  /** Pipeline command name, e.g. `CheckoutSourceCommand`. */
  stepName: string;
  /** LLM cost of the run so far (USD); undefined while unknown. */
  costUsd?: number | undefined;
}

/** How a step ended, for displays that show it. */
export interface StepEnd extends StepProgress {
  status: 'completed' | 'skipped' | 'failed' | 'cancelled';
  /** Short text: the step's result, the skip reason or the failure. */
  message: string;
  durationMs: number;
}

/** A question only a human can answer (plan approval). */
export interface QuestionRequest {
  questionId: string;
  text: string;
  choices: string[];
  /** Taken when nobody can or does answer before the timeout. */
  defaultChoice: string;
  timeoutSeconds: number;
  /** `budget`: the 80 % budget question (the dispatcher settles it with the broker). */
  kind?: 'budget';
}

/** The report of a successful run. */
export interface RunSummary {
  summary: string;
  prUrl?: string | undefined;
  /** Total LLM cost; undefined when some model had no price ("cost unknown"). */
  costUsd?: number | undefined;
  durationMs: number;
  changedFiles: string[];
  /** Why the work is unfinished (stopped for money); the pull request is then a draft. */
  unfinished?: string | undefined;
}

/** The report of a failed or cancelled run. */
export interface RunFailure {
  /** 1-based step where it failed; 0 before the pipeline started. */
  step: number;
  total: number;
  stepName: string;
  code: string;
  /** Plain-language reason for the person who asked. */
  reason: string;
  outcome: Exclude<RunOutcome, 'succeeded'>;
}

/**
 * Where a run tells its user what happens: the console (CLI) or the job's Redis stream (job
 * mode). Exactly one of `done` / `failed` is called per run, always.
 */
export interface ProgressReporter {
  stepStarted(progress: StepProgress): Promise<void>;
  stepEnded(end: StepEnd): Promise<void>;
  /** A detail line (tool call, test result, retry). May be throttled; never throws. */
  detail(text: string): void;
  /** Asks a human; resolves to one of `choices` (the default on timeout or when nobody can answer). */
  ask(question: QuestionRequest, signal: AbortSignal): Promise<string>;
  done(summary: RunSummary): Promise<void>;
  failed(failure: RunFailure): Promise<void>;
  /** Records that a phase of the run happened (job mode sends the marks to the dispatcher). */
  markPhase?(phase: AgentPhase): void;
  /** Stops timers and connections; idempotent. */
  close(): Promise<void>;
}
