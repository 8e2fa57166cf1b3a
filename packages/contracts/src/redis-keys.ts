/**
 * Redis key builders (docs/architecture.md lists the keys): `job:<id>:out`, `job:<id>:in`,
 * `conversation:<platform>:<channel>`, `job-index:<id>`. Operators' tools rely on these names.
 */

/** Stream the agent writes (progress, questions, the final entry) and the dispatcher reads. */
export function jobOutStreamKey(jobId: string): string {
  return `job:${jobId}:out`;
}

/** Stream the dispatcher writes (answers, cancel) and the agent reads. */
export function jobInStreamKey(jobId: string): string {
  return `job:${jobId}:in`;
}

/** The channel's conversation state: which job holds the channel's one-job lock. */
export function conversationKey(platform: string, channelId: string): string {
  return `conversation:${platform}:${channelId}`;
}

/** Reverse index from a job to the conversation that owns it. */
export function jobIndexKey(jobId: string): string {
  return `job-index:${jobId}`;
}

/** A job id: 12 lower-case hex characters (also the suffix of the container / Job name). */
export const JOB_ID_PATTERN = /^[0-9a-f]{12}$/;
