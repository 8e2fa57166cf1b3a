import { silentLogger, type Logger } from '@agentsmith/kit';
import type { ConversationStateManager } from '../conversations/conversation-state-manager.js';
import type { JobSpawner, SpawnedJob } from '../spawners/job-spawner.js';

export interface ReapOptions {
  spawner: JobSpawner;
  /** A job that still holds its channel is active. */
  conversations: Pick<ConversationStateManager, 'findByJobId'>;
  logger?: Logger;
  /** Jobs younger than this are spared: the dispatcher may not have recorded them yet (default 60 s). */
  minAgeMs?: number;
  now?: () => number;
}

export interface ReapResult {
  /** Jobs removed: unknown to Redis or finished there. */
  removed: string[];
  /** Jobs that still hold their channel (running, or finished and awaiting the watchdog). */
  active: SpawnedJob[];
}

/**
 * Removes labelled containers/Jobs whose job no longer holds a channel in Redis — left behind by a
 * killed dispatcher, a flushed Redis or a job that outlived its conversation. Jobs that hold
 * their channel are returned so the caller can watch them again after a restart.
 */
export async function reapOrphans(options: ReapOptions): Promise<ReapResult> {
  const logger = (options.logger ?? silentLogger()).child({ component: 'reap-orphans' });
  const now = (options.now ?? Date.now)();
  const minAgeMs = options.minAgeMs ?? 60_000;
  const result: ReapResult = { removed: [], active: [] };
  for (const job of await options.spawner.listJobs()) {
    if ((await options.conversations.findByJobId(job.jobId)) !== null) {
      result.active.push(job);
      continue;
    }
    if (job.running && now - job.createdAt < minAgeMs) continue;
    try {
      await options.spawner.remove(job.jobId);
      result.removed.push(job.jobId);
      logger.info({ jobId: job.jobId, running: job.running }, 'removed an orphaned agent');
    } catch (error) {
      logger.warn({ err: error, jobId: job.jobId }, 'could not remove an orphaned agent');
    }
  }
  return result;
}
