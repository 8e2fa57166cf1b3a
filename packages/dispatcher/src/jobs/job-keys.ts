/** Dispatcher-internal Redis names (the wire keys come from `@agentsmith/contracts`). */
export interface DispatcherKeys {
  activeJobs: string;
  job: (jobId: string) => string;
  question: (jobId: string, questionId: string) => string;
  owner: (jobId: string) => string;
  /** Pub/Sub channel: the set of active jobs changed. */
  jobsChanged: string;
  dedup: (key: string) => string;
  /** Stream of audit records (`jobs/redis-audit-log.ts`). */
  audit: string;
}

/** Consumer group every replica reads `job:<id>:out` through. */
export const RELAY_GROUP = 'dispatcher';

/** Key names under `prefix` (default `dispatcher:`; tests use a unique one). */
export function dispatcherKeys(prefix = 'dispatcher:'): DispatcherKeys {
  return {
    activeJobs: `${prefix}jobs:active`,
    job: (jobId) => `${prefix}job:${jobId}`,
    question: (jobId, questionId) => `${prefix}job:${jobId}:question:${questionId}`,
    owner: (jobId) => `${prefix}job:${jobId}:owner`,
    jobsChanged: `${prefix}jobs:changed`,
    dedup: (key) => `${prefix}dedup:${key}`,
    audit: `${prefix}audit`,
  };
}
