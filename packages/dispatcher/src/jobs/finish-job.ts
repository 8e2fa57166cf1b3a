import type { Done, ErrorEntry, ErrorCode } from '@agentsmith/contracts';
import { formatDuration } from './format-duration.js';
import type { JobContext } from './job-context.js';
import { finishedJob } from './recent-jobs.js';
import { releaseJob } from './start-admitted-job.js';
import { stopInBackground } from './stop-in-background.js';

/**
 * Reports a job that ended without telling us (container death, OOM, deadline, vanished Pod).
 * It writes an `Error` entry to `job:<id>:out` on the agent's behalf, so the relay posts the error
 * card in order after everything the agent did write, and frees the channel. Returns false when
 * the job is no longer tracked (it already ended). Safe to call from any replica, and twice.
 *
 * This is the hook for the spawners' watchdog: `reportJobLost(context, jobId, 'out of memory, exit 137', 'agent_out_of_memory')`.
 */
export async function reportJobLost(
  context: Pick<JobContext, 'jobs' | 'now' | 'logger'>,
  jobId: string,
  reason: string,
  code: ErrorCode = 'agent_lost',
): Promise<boolean> {
  const job = await context.jobs.get(jobId);
  if (!job) return false;
  context.logger.warn({ jobId, code, reason }, 'Job ended without a final entry');
  await context.jobs.writeAsAgent({
    type: 'error',
    jobId,
    at: context.now(),
    step: job.step ?? 0,
    total: job.total ?? 0,
    stepName: job.label ?? 'agent',
    code,
    reason: `The agent stopped without finishing: ${reason}.`,
    outcome: 'failed',
  });
  return true;
}

/**
 * Called by the relay just before a job's final card is posted: the channel, the ticket and the
 * slot are free before anyone can see the card, so a `fix` sent the moment it appears starts (and
 * a queued job may start now). A cancelled job still stopping keeps them until its exit is seen.
 */
export async function releaseBeforeFinalCard(context: JobContext, jobId: string): Promise<void> {
  await releaseJob(context, jobId, { keepIfStopping: true });
}

/**
 * Called by the relay once a job's final entry reached the chat: revokes the job's credentials,
 * frees what it still holds (unless it is stopping), stops tracking the job and counts the outcome.
 */
export async function finishJob(
  context: JobContext,
  jobId: string,
  final: Done | ErrorEntry,
): Promise<void> {
  // The job's token and Redis user die with it, whatever ended it (done, error, lost, cancelled).
  await context.credentials
    ?.revoke(jobId)
    .catch((error: unknown) =>
      context.logger.warn({ err: error, jobId }, 'Could not revoke the job credentials'),
    );
  if (final.type === 'done') context.metrics.jobsFinished += 1;
  else context.metrics.jobsFailed += 1;
  await releaseJob(context, jobId, { keepIfStopping: true });
  await recordFinished(context, jobId, final);
  await context.jobs.untrack(jobId);
  context.logger.info(
    { jobId, outcome: final.type === 'done' ? 'succeeded' : (final.outcome ?? 'failed') },
    'Job ended',
  );
}

/** Keeps the job in the recent list (the jobs page); a failure costs the record, never the ending. */
async function recordFinished(
  context: JobContext,
  jobId: string,
  final: Done | ErrorEntry,
): Promise<void> {
  const recent = context.recentJobs;
  if (!recent) return;
  try {
    const job = await context.jobs.get(jobId);
    if (job) await recent.add(finishedJob(job, final, context.now()));
  } catch (error) {
    context.logger.warn({ err: error, jobId }, 'Could not record the finished job');
  }
}

/**
 * A job past `JOB_MAX_DURATION` (the relay notices): mark it stopping with a deadline of now,
 * report it on the agent's behalf; the stop enforcer then stops its container or Pod (and retries
 * a failed stop). A job that holds no admission slot is not the enforcer's: it is stopped here, in
 * the background (the relay never waits for a stop).
 */
export async function expireJob(context: JobContext, jobId: string): Promise<void> {
  // Stopping until its exit is seen: nothing new starts beside the dying container.
  const stopping = await context.admission.beginStop(jobId, context.now());
  if (stopping) context.onStopping?.(jobId);
  await reportJobLost(
    context,
    jobId,
    `it ran longer than its limit of ${formatDuration(context.jobMaxDurationMs)} (JOB_MAX_DURATION)`,
    'run_deadline_exceeded',
  );
  if (!stopping || !context.onStopping) stopInBackground(context.spawner, jobId, context.logger);
}
