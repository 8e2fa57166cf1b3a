import { z } from 'zod';

/**
 * The value stored at `conversation:<platform>:<channel>` while a job holds the channel, as JSON.
 * `job-index:<jobId>` stores the conversation key, so a job's channel can be found from its id.
 */
export const ConversationState = z.object({
  schemaVersion: z.literal(1),
  jobId: z.string(),
  platform: z.string(),
  channelId: z.string(),
  project: z.string(),
  ticketId: z.string(),
  threadId: z.string().optional(),
  requestedBy: z.string().optional(),
  startedAt: z.number().int().nonnegative(),
  /** When the dispatcher stops waiting for the job (ms since epoch). */
  deadlineAt: z.number().int().nonnegative(),
});
export type ConversationState = z.infer<typeof ConversationState>;
