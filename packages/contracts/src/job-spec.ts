import { z } from 'zod';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { JOB_ID_PATTERN } from './redis-keys.js';

/** Chat platforms a job can be recorded against. */
export const Platform = z.enum(['slack', 'teams', 'cli']);
export type Platform = z.infer<typeof Platform>;

/** The seed's `FixTicketIntent`: fix ticket `ticketId` in `project`. */
export const FixTicketIntent = z.object({
  /** Ticket reference as the tracker knows it: "58" or "PROJ-58". */
  ticketId: z.string().min(1),
  project: z.string().min(1),
});
export type FixTicketIntent = z.infer<typeof FixTicketIntent>;

/**
 * What the dispatcher hands a spawner for one job. It holds no secrets: credentials reach the
 * agent through its environment (Docker) or secret references (Kubernetes).
 */
export const JobSpec = z.object({
  specificationVersion: z.literal(PROTOCOL_VERSION),
  jobId: z.string().regex(JOB_ID_PATTERN, 'job id must be 12 lower-case hex characters'),
  intent: FixTicketIntent,
  platform: Platform,
  channelId: z.string().min(1),
  /** Chat thread the job reports into. */
  threadId: z.string().optional(),
  /** Who asked, for the record (chat user id). */
  requestedBy: z.string().optional(),
  /** Redis address as the agent must reach it (e.g. `redis:6379` inside Compose). */
  redisUrl: z.string().min(1),
  /** Hard deadline of the job in seconds. */
  maxDurationSeconds: z.number().int().positive(),
  createdAt: z.number().int().nonnegative(),
  /** The agent image of this job's project (`environment.image`); the spawner's default when absent. */
  image: z.string().min(1).optional(),
});
export type JobSpec = z.infer<typeof JobSpec>;

/** The agent's input line for an intent, as the seed writes it: `fix #58 in agent-smith-test`. */
export function fixCommandLine(intent: FixTicketIntent): string {
  const reference = /^\d+$/.test(intent.ticketId) ? `#${intent.ticketId}` : intent.ticketId;
  return `fix ${reference} in ${intent.project}`;
}

/**
 * The agent container's arguments, identical for the Docker container and the Kubernetes Job:
 * `--headless --job-id <id> --redis-url <url> --platform <p> --channel-id <c> "fix #<n> in <p>"`.
 */
export function agentArguments(spec: JobSpec): string[] {
  return [
    '--headless',
    '--job-id',
    spec.jobId,
    '--redis-url',
    spec.redisUrl,
    '--platform',
    spec.platform,
    '--channel-id',
    spec.channelId,
    fixCommandLine(spec.intent),
  ];
}
