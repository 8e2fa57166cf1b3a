import type { Done, ErrorEntry, PhaseMarks } from '@agentsmith/contracts';
import type { TrackedJob } from './job-store.js';

/** How a finished job ended. */
export type JobOutcome = 'succeeded' | 'failed' | 'cancelled';

/** What is kept of a job once it finished, for the jobs page's "recent" list. */
export interface FinishedJob {
  jobId: string;
  platform: string;
  channelId: string;
  threadTs?: string;
  project: string;
  ticketId: string;
  requestedBy?: string;
  startedAt: number;
  endedAt: number;
  outcome: JobOutcome;
  /** The last step the job reached (its label), e.g. "Running the tests". */
  label?: string;
  step?: number;
  total?: number;
  costUsd?: number;
  prUrl?: string;
  /** Why it failed or stopped early; the summary when it succeeded. */
  reason?: string;
  phases?: PhaseMarks;
}

/** The last finished jobs, newest first, shared by every replica. */
export interface RecentJobs {
  /** Records a finished job; the oldest records beyond the cap are dropped. */
  add(job: FinishedJob): Promise<void>;
  /** At most `limit` records, newest first. */
  list(limit: number): Promise<FinishedJob[]>;
}

/** The record of a tracked job that just ended with `final`. */
export function finishedJob(
  job: TrackedJob,
  final: Done | ErrorEntry,
  endedAt: number,
): FinishedJob {
  const outcome: JobOutcome =
    final.type === 'done'
      ? 'succeeded'
      : job.cancelledBy
        ? 'cancelled'
        : (final.outcome ?? 'failed');
  const costUsd = final.type === 'done' ? (final.costUsd ?? job.costUsd) : job.costUsd;
  const reason = final.type === 'done' ? (final.unfinished ?? final.summary) : final.reason;
  return {
    jobId: job.jobId,
    platform: job.platform,
    channelId: job.channelId,
    ...(job.threadTs ? { threadTs: job.threadTs } : {}),
    project: job.project,
    ticketId: job.ticketId,
    ...(job.requestedBy ? { requestedBy: job.requestedBy } : {}),
    startedAt: job.startedAt,
    endedAt,
    outcome,
    ...(job.label !== undefined ? { label: job.label } : {}),
    ...(job.step !== undefined ? { step: job.step } : {}),
    ...(job.total !== undefined ? { total: job.total } : {}),
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(final.type === 'done' && final.prUrl ? { prUrl: final.prUrl } : {}),
    ...(reason ? { reason } : {}),
    phases: { ...job.agentPhases, ...final.phases, ...job.phases },
  };
}
