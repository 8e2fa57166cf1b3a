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
  // Admission (jobs/redis-admission-queue.ts): the queue, the slots and the ticket locks.
  /** List of queued job ids, oldest first. */
  admissionQueue: string;
  /** A queued job's request (JSON), until it starts or is cancelled. */
  admissionRequest: (jobId: string) => string;
  /** Hash: job id → its slot (user, project, channel, ticket) for every admitted job. */
  admissionSlots: string;
  /** Hash: user id → admitted jobs. */
  admissionUsers: string;
  /** Hash: project → admitted jobs. */
  admissionProjects: string;
  /** Sorted set: cancelled jobs whose container has not exited yet, scored by their stop deadline. */
  stoppingJobs: string;
  /** The job queued for a channel (at most one). */
  channelNext: (platform: string, channelId: string) => string;
  /** The job that holds a ticket (queued, running or stopping). */
  ticket: (project: string, ticketId: string) => string;
  /** List of finished jobs (JSON), newest first, capped (jobs/redis-recent-jobs.ts). */
  recentJobs: string;
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
    admissionQueue: `${prefix}admission:queue`,
    admissionRequest: (jobId) => `${prefix}admission:request:${jobId}`,
    admissionSlots: `${prefix}admission:slots`,
    admissionUsers: `${prefix}admission:users`,
    admissionProjects: `${prefix}admission:projects`,
    stoppingJobs: `${prefix}jobs:stopping`,
    channelNext: (platform, channelId) => `${prefix}channel-next:${platform}:${channelId}`,
    ticket: (project, ticketId) =>
      `${prefix}ticket:${encodeURIComponent(project)}:${encodeURIComponent(ticketId)}`,
    recentJobs: `${prefix}jobs:recent`,
  };
}
