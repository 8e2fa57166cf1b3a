import type { JobPhase, PhaseMarks } from '@agentsmith/contracts';

/** The phases a step's end marks, by the step's command name (only when it completed). */
const PHASE_AT_STEP_END: Readonly<Record<string, JobPhase>> = {
  CheckoutSourceCommand: 'checkoutDone',
  TestCommand: 'testsDone',
  CommitAndPRCommand: 'prOpened',
};

/** The phases the agent marks itself; the dispatcher marks the rest (see phase-timings.ts). */
export type AgentPhase =
  | 'started'
  | 'firstProgress'
  | 'checkoutDone'
  | 'firstLlmToken'
  | 'testsDone'
  | 'prOpened'
  | 'ended';

/** Records the first time each phase of the agent's run happened. */
export class PhaseClock {
  readonly #marks: PhaseMarks = {};
  readonly #now: () => number;

  constructor(startedAt: number, now: () => number = Date.now) {
    this.#now = now;
    this.#marks.started = Math.round(startedAt);
  }

  /** Marks a phase now, unless it was marked before (a repair round does not move it). */
  mark(phase: AgentPhase): void {
    this.#marks[phase] ??= this.#now();
  }

  /** Marks the phase a completed step stands for, if any. */
  stepCompleted(stepName: string): void {
    const phase = PHASE_AT_STEP_END[stepName];
    if (phase) this.mark(phase as AgentPhase);
  }

  marks(): PhaseMarks {
    return { ...this.#marks };
  }
}
