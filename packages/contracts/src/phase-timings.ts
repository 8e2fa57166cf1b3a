import { z } from 'zod';

/**
 * The moments of a job's life, in the order they happen. The dispatcher marks the first four
 * (and `queued` when a job waited for a free slot); the agent marks the rest and sends them on
 * its `Progress`, `Done` and `Error` entries. Each mark is milliseconds since the epoch.
 */
export const JOB_PHASES = [
  /** The chat message reached the dispatcher. */
  'received',
  /** The "Starting job" reply was posted in the thread. */
  'acknowledged',
  /** The job entered a wait queue because no slot was free (absent when it did not wait). */
  'queued',
  /** The spawner created the container or Pod. */
  'spawned',
  /** The agent process started. */
  'started',
  /** The agent wrote its first `Progress` entry. */
  'firstProgress',
  /** The working copy was checked out. */
  'checkoutDone',
  /** The first part of the first model answer arrived. */
  'firstLlmToken',
  /** The final test run finished. */
  'testsDone',
  /** The pull request was opened (or updated). */
  'prOpened',
  /** The agent wrote its final entry. */
  'ended',
] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/** The marks a job has so far; a phase that has not happened (or never will) is absent. */
export type PhaseMarks = Partial<Record<JobPhase, number>>;

const mark = z.number().int().nonnegative().optional();

/** Schema of {@link PhaseMarks}; unknown phase names from a newer peer are dropped. */
export const PhaseMarks = z.object(
  Object.fromEntries(JOB_PHASES.map((phase) => [phase, mark])) as Record<JobPhase, typeof mark>,
) satisfies z.ZodType<PhaseMarks>;
