import { JOB_PHASES, type JobPhase, type PhaseMarks } from '@agentsmith/contracts';
import type { JobStore, TrackedJob } from './job-store.js';

/** The phases the dispatcher marks itself; the agent sends the others (see phase-timings.ts in contracts). */
export type DispatcherPhase = 'received' | 'acknowledged' | 'queued' | 'spawned';

/**
 * Records a dispatcher phase on the job and in the store. `queued` is for the admission queue:
 * call it when a job starts waiting for a free slot.
 */
export async function recordPhase(
  jobs: Pick<JobStore, 'patch'>,
  job: TrackedJob,
  phase: DispatcherPhase,
  at: number,
): Promise<void> {
  job.phases = { ...job.phases, [phase]: at };
  await jobs.patch(job.jobId, { phases: job.phases });
}

/** Everything known about a job's phases: the dispatcher's marks and the agent's latest. */
export function jobPhases(
  job: Pick<TrackedJob, 'phases' | 'agentPhases'>,
  agent?: PhaseMarks,
): PhaseMarks {
  return { ...job.agentPhases, ...agent, ...job.phases };
}

const SHORT_NAMES: Record<Exclude<JobPhase, 'received'>, string> = {
  acknowledged: 'ack',
  queued: 'queued',
  spawned: 'spawn',
  started: 'start',
  firstProgress: 'first progress',
  checkoutDone: 'checkout',
  firstLlmToken: 'first token',
  testsDone: 'tests',
  prOpened: 'PR',
  ended: 'end',
};

function seconds(ms: number): string {
  const value = Math.max(0, ms) / 1000;
  if (value < 10) return `${value.toFixed(1)}s`;
  if (value < 600) return `${Math.round(value)}s`;
  return `${Math.floor(value / 60)}m${String(Math.round(value % 60)).padStart(2, '0')}s`;
}

/**
 * One compact line of the phases that happened, each as time since the message was received:
 * `ack 0.2s · spawn 0.4s · start 1.1s · checkout 3.2s · first token 4.0s · tests 40s · PR 45s`.
 * Undefined when the job has no `received` mark (a job from before phase timings existed).
 */
export function formatPhaseLine(marks: PhaseMarks): string | undefined {
  const origin = marks.received;
  if (origin === undefined) return undefined;
  const parts = JOB_PHASES.flatMap((phase) => {
    const at = marks[phase];
    if (phase === 'received' || at === undefined) return [];
    return [`${SHORT_NAMES[phase]} ${seconds(at - origin)}`];
  });
  return parts.length === 0 ? undefined : parts.join(' · ');
}
