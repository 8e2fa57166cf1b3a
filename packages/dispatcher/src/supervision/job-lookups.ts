import {
  ConversationState,
  fieldsFromArray,
  jobIndexKey,
  jobOutStreamKey,
} from '@agentsmith/contracts';

/**
 * The few Redis reads the watchdog and the reaper need, as functions so this folder stays free of
 * a Redis client. Wire them to ioredis in the composition root, e.g.
 * `{ get: (key) => redis.get(key), lastEntries: (key, count) => redis.xrevrange(key, '+', '-', 'COUNT', count) }`.
 */
export interface JobRedisReads {
  get(key: string): Promise<string | null>;
  /** Newest first, as `XREVRANGE key + - COUNT n` returns them. */
  lastEntries(key: string, count: number): Promise<Array<[id: string, fields: string[]]>>;
}

/** Whether a job still holds its channel (the conversation state names it). */
export interface ActiveJobLookup {
  isActive(jobId: string): Promise<boolean>;
}

/** Whether the agent published its final entry (`done` or `error`) on `job:<id>:out`. */
export interface FinalEntryLookup {
  hasFinalEntry(jobId: string): Promise<boolean>;
}

/** Both lookups over the keys of the wire contract (`job-index:<id>` → conversation state JSON). */
export function redisJobLookups(reads: JobRedisReads): ActiveJobLookup & FinalEntryLookup {
  return {
    async isActive(jobId) {
      const conversation = await reads.get(jobIndexKey(jobId));
      if (!conversation) return false;
      const raw = await reads.get(conversation);
      if (!raw) return false;
      try {
        const state = ConversationState.safeParse(JSON.parse(raw));
        return state.success && state.data.jobId === jobId;
      } catch {
        return false;
      }
    },
    async hasFinalEntry(jobId) {
      const entries = await reads.lastEntries(jobOutStreamKey(jobId), 20);
      return entries.some(([, flat]) => {
        const type = fieldsFromArray(flat)['type'];
        return type === 'done' || type === 'error';
      });
    },
  };
}
