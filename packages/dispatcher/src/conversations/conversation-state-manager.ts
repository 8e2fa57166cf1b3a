import type { ConversationState } from '@agentsmith/contracts';

/** Outcome of trying to take a channel's one-job lock. */
export type AcquireResult = { acquired: true } | { acquired: false; holder: ConversationState };

/**
 * The seed's `ConversationStateManager`: one job per chat channel. The lock is taken atomically,
 * so simultaneous `fix` messages in one channel start exactly one job.
 */
export interface ConversationStateManager {
  /**
   * Takes the channel's lock for `state.jobId` (and writes the `job-index:<id>` reverse index), or
   * returns the state of the job that holds it. `ttlMs` is only the last safety net.
   */
  acquire(state: ConversationState, ttlMs: number): Promise<AcquireResult>;
  /** The job holding the channel, or null. */
  get(platform: string, channelId: string): Promise<ConversationState | null>;
  /** The conversation a job holds, through the reverse index; null when released. */
  findByJobId(jobId: string): Promise<ConversationState | null>;
  /** Frees the channel if `jobId` still holds it; true when it did. Idempotent. */
  release(jobId: string): Promise<boolean>;
}
