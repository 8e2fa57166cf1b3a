import { z } from 'zod';

/** One decision: who asked what, where, whether it was allowed and why, the job and its cost. */
export const AuditRecord = z.object({
  at: z.number(),
  userId: z.string(),
  teamId: z.string().optional(),
  channelId: z.string(),
  /** The command (`fix`, `cancel`, `answer`, `audit`, …) or `job-ended`. */
  action: z.string(),
  project: z.string().optional(),
  ticketId: z.string().optional(),
  allowed: z.boolean(),
  /** Why it was refused, or what allowed it (`admin`, `policy`, `requester`). */
  reason: z.string(),
  jobId: z.string().optional(),
  costUsd: z.number().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** Where decisions are recorded (the logs and a capped Redis stream). */
export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
  /** The newest `count` records, newest first. */
  latest(count: number): Promise<AuditRecord[]>;
}
