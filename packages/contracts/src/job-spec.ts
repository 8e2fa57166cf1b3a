import { z } from 'zod';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { JOB_ID_PATTERN } from './redis-keys.js';

/** Chat platforms a job can be recorded against. */
export const Platform = z.enum(['slack', 'teams', 'cli']);
export type Platform = z.infer<typeof Platform>;

/** A project name as `agentsmith.yml` allows it: letters, digits, `.`, `_` and `-`. */
export const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A value that travels as an option's argument: one word that cannot be taken for an option. */
const ARGUMENT_VALUE = /^[^\s-]\S*$/;

/**
 * Recordings bundled with the agent that a job may replay instead of calling a model
 * (docs/recordings.md): `demo` is the session `agentsmith demo` replays. Names, never paths, so a
 * job cannot make the agent read a file of the dispatcher's choosing.
 */
export const BundledRecording = z.enum(['demo']);
export type BundledRecording = z.infer<typeof BundledRecording>;

/** A `FixTicketIntent`: fix ticket `ticketId` in `project`. */
export const FixTicketIntent = z.object({
  /** Ticket reference as the tracker knows it: "58" or "PROJ-58" (no "#", no spaces). */
  ticketId: z.string().regex(/^[^\s#]\S*$/, 'a ticket id is one word without "#": 58 or PROJ-58'),
  project: z
    .string()
    .regex(PROJECT_NAME_PATTERN, 'project names use letters, digits, ".", "_" and "-"'),
});
export type FixTicketIntent = z.infer<typeof FixTicketIntent>;

/**
 * What the dispatcher hands a spawner for one job. It holds no secrets: credentials reach the
 * agent through its environment (Docker) or secret references (Kubernetes). job-arguments.ts
 * turns it into the agent's argv and environment and back.
 */
export const JobSpec = z.object({
  specificationVersion: z.literal(PROTOCOL_VERSION),
  jobId: z.string().regex(JOB_ID_PATTERN, 'job id must be 12 lower-case hex characters'),
  intent: FixTicketIntent,
  platform: Platform,
  /** One word not starting with `-` (it is an argument value). */
  channelId: z.string().regex(ARGUMENT_VALUE, 'a channel id is one word, not starting with "-"'),
  /** Chat thread the job reports into. */
  threadId: z.string().min(1).optional(),
  /** Who asked, for the record (chat user id). */
  requestedBy: z.string().min(1).optional(),
  /** Redis address as the agent must reach it (e.g. `redis:6379` inside Compose). */
  redisUrl: z.string().regex(ARGUMENT_VALUE, 'a Redis address is one word, not starting with "-"'),
  /** Hard deadline of the job in seconds, counted from `createdAt`. */
  maxDurationSeconds: z.number().int().positive(),
  /** When the dispatcher accepted the job (ms since the epoch). */
  createdAt: z.number().int().nonnegative(),
  /** The agent image of this job's project (`environment.image`); the spawner's default when absent. */
  image: z.string().min(1).optional(),
  /** Replay this bundled recording instead of calling a model (the demo); absent for real work. */
  replay: BundledRecording.optional(),
});
export type JobSpec = z.infer<typeof JobSpec>;

/** When the job must be over (ms since the epoch). */
export function jobDeadline(spec: Pick<JobSpec, 'createdAt' | 'maxDurationSeconds'>): number {
  return spec.createdAt + spec.maxDurationSeconds * 1000;
}
