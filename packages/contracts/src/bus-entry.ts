import { z } from 'zod';
import { PhaseMarks } from './phase-timings.js';

/**
 * Entries on the job streams. `job:<id>:out` carries progress, detail, question, heartbeat, done
 * and error (agent → dispatcher); `job:<id>:in` carries answer and cancel (dispatcher → agent).
 * Every entry also carries the protocol version and the time it was written (see bus-codec.ts).
 */

const Base = {
  /** The job this entry belongs to. */
  jobId: z.string().min(1),
  /** Milliseconds since the epoch when the entry was written. */
  at: z.number().int().nonnegative(),
};

/** A pipeline step started: "step 3 of 9: Checking out the source". */
const Progress = z.object({
  ...Base,
  type: z.literal('progress'),
  /** 1-based step number. */
  step: z.number().int().positive(),
  total: z.number().int().positive(),
  /** Human-readable step label. */
  label: z.string(),
  /** Pipeline command name, e.g. `CheckoutSourceCommand`. */
  stepName: z.string().optional(),
  /** LLM cost of the job so far in US dollars; absent while unknown (an unpriced model). */
  costUsd: z.number().nonnegative().optional(),
  /** The agent's phase marks so far (see phase-timings.ts). */
  phases: PhaseMarks.optional(),
});
type Progress = z.infer<typeof Progress>;

/** One line for the job's thread: a tool call, a test result, a retry. */
const Detail = z.object({
  ...Base,
  type: z.literal('detail'),
  text: z.string(),
  /**
   * Set when the broker's egress proxy refused a connection of the job (written by the broker,
   * once per host): the dispatcher shows the `egress.allow` line that would admit it.
   */
  egressRefused: z
    .object({ host: z.string().min(1), port: z.number().int().positive(), rule: z.string().min(1) })
    .optional(),
});
type Detail = z.infer<typeof Detail>;

/** The agent needs a human decision; the dispatcher shows the choices as buttons. */
export const Question = z.object({
  ...Base,
  type: z.literal('question'),
  questionId: z.string().min(1),
  text: z.string(),
  choices: z.array(z.string()).min(1),
  /** Choice taken when nobody answers before `timeoutSeconds`. */
  defaultChoice: z.string().optional(),
  timeoutSeconds: z.number().int().positive().optional(),
  /**
   * `budget`: the job reached 80 % of its LLM budget; "Continue" (first choice) raises the
   * broker's cap by the project's step, anything else stops the job with a draft pull request.
   * Only the requester and admins may answer. Absent: an ordinary question (plan approval).
   */
  kind: z.enum(['budget']).optional(),
});
export type Question = z.infer<typeof Question>;

/** The choices of a `budget` question: "Continue" raises the job's cap, "Stop" (the default) ends it. */
export const BUDGET_CHOICES = { continue: 'Continue', stop: 'Stop' } as const;

/** A human's answer to a question (dispatcher → agent). */
export const Answer = z.object({
  ...Base,
  type: z.literal('answer'),
  questionId: z.string().min(1),
  content: z.string(),
  /** Who answered (chat user id or name), for the record. */
  answeredBy: z.string().optional(),
});
export type Answer = z.infer<typeof Answer>;

/** The agent is alive; written every few seconds while a job runs. */
const Heartbeat = z.object({
  ...Base,
  type: z.literal('heartbeat'),
});
type Heartbeat = z.infer<typeof Heartbeat>;

/** The job finished successfully. Always the last entry of a successful job. */
export const Done = z.object({
  ...Base,
  type: z.literal('done'),
  summary: z.string(),
  prUrl: z.string().optional(),
  /** Total LLM cost in US dollars; absent when a model had no price ("cost unknown"). */
  costUsd: z.number().nonnegative().optional(),
  durationMs: z.number().int().nonnegative(),
  changedFiles: z.array(z.string()),
  /**
   * Set when the job stopped before finishing (its budget, the project's daily cap): why. The
   * pull request is then a draft that says so.
   */
  unfinished: z.string().optional(),
  /** The agent's phase marks, `ended` included (see phase-timings.ts). */
  phases: PhaseMarks.optional(),
});
export type Done = z.infer<typeof Done>;

/** The job failed or was cancelled. Always the last entry of an unsuccessful job. */
export const ErrorEntry = z.object({
  ...Base,
  type: z.literal('error'),
  /** 1-based step where it failed; 0 when it failed before the pipeline started. */
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  stepName: z.string(),
  /** An error code (see error-codes.ts); unknown codes from newer peers are kept as they are. */
  code: z.string().min(1),
  /** Plain-language reason for the person who asked. */
  reason: z.string(),
  outcome: z.enum(['failed', 'cancelled']).optional(),
  /** The agent's phase marks, `ended` included (see phase-timings.ts). */
  phases: PhaseMarks.optional(),
});
export type ErrorEntry = z.infer<typeof ErrorEntry>;

/** Stop the job (dispatcher → agent). */
const Cancel = z.object({
  ...Base,
  type: z.literal('cancel'),
  requestedBy: z.string().optional(),
});
type Cancel = z.infer<typeof Cancel>;

export const BusEntry = z.discriminatedUnion('type', [
  Progress,
  Detail,
  Question,
  Answer,
  Heartbeat,
  Done,
  ErrorEntry,
  Cancel,
]);
export type BusEntry = z.infer<typeof BusEntry>;

/** Entries the agent writes to `job:<id>:out`. */
export type OutboundEntry = Progress | Detail | Question | Heartbeat | Done | ErrorEntry;
/** Entries the dispatcher writes to `job:<id>:in`. */
export type InboundEntry = Answer | Cancel;

/** Entries that end a job: nothing follows them on `job:<id>:out`. */
export function isFinalEntry(entry: BusEntry): entry is Done | ErrorEntry {
  return entry.type === 'done' || entry.type === 'error';
}
