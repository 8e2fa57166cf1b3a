import { adminsOf, refuse } from './access-control.js';
import type { ChatOrigin, JobContext } from './job-context.js';
import { mayControlJob } from './job-permissions.js';
import { startAdmittedJobs } from './start-admitted-job.js';

/** How a `cancel` ended. */
export type CancelResult =
  | { kind: 'cancelled'; jobId: string }
  | { kind: 'no-job' }
  /** Someone other than the requester or an admin asked; answered, counted and recorded. */
  | { kind: 'refused'; jobId: string };

/**
 * `cancel`, only by the person who started the job or an admin: a job still waiting in the queue
 * is taken out of it. A running job gets Cancel on `job:<id>:in` and becomes "stopping": it keeps
 * its channel, ticket and slot until its container's exit is seen; the stop deadline
 * (`CANCEL_GRACE_SECONDS`) is kept in Redis and enforced by the replica that holds the job's lease
 * (jobs/stop-enforcer.ts).
 */
export async function cancelJob(
  context: JobContext,
  origin: ChatOrigin,
  /** Only this job (the jobs page names one): another job of the channel is left alone. */
  onlyJobId?: string,
): Promise<CancelResult> {
  const reply = (notice: Parameters<JobContext['notifier']['post']>[1]) =>
    context.notifier.post(origin.channelId, notice, origin.threadTs);
  const admins = adminsOf(context);
  const inChannel = await context.admission.queuedIn(origin.platform, origin.channelId);
  const queued = onlyJobId === undefined || inChannel?.jobId === onlyJobId ? inChannel : null;
  if (queued) {
    if (!mayControlJob(origin.userId, queued, admins)) {
      await refuseNotOwner(context, origin, queued.jobId, queued.requestedBy, admins);
      return { kind: 'refused', jobId: queued.jobId };
    }
    const released = await context.admission.release(queued.jobId);
    if (released.was === 'queued') {
      const notice = { kind: 'queue-left', jobId: queued.jobId, userId: origin.userId } as const;
      if (queued.statusTs) {
        await context.notifier
          .update(origin.channelId, queued.statusTs, notice)
          .catch(() => undefined);
      }
      await reply(notice);
      context.logger.info(
        { jobId: queued.jobId, requestedBy: origin.userId },
        'Queued job dropped',
      );
    }
    await startAdmittedJobs(context, released.started);
    if (released.was === 'queued') return { kind: 'cancelled', jobId: queued.jobId };
  }

  const current = await context.conversations.get(origin.platform, origin.channelId);
  const state = onlyJobId === undefined || current?.jobId === onlyJobId ? current : null;
  if (!state) {
    if (onlyJobId !== undefined) return { kind: 'no-job' };
    await reply({ kind: 'no-job' });
    return { kind: 'no-job' };
  }
  const { jobId } = state;
  if (!mayControlJob(origin.userId, state, admins)) {
    await refuseNotOwner(context, origin, jobId, state.requestedBy, admins);
    return { kind: 'refused', jobId };
  }
  if (await context.admission.isStopping(jobId)) {
    await reply({ kind: 'already-stopping', jobId });
    return { kind: 'cancelled', jobId };
  }
  await context.jobs.writeToAgent({
    type: 'cancel',
    jobId,
    at: context.now(),
    requestedBy: origin.userId,
  });
  await context.jobs.patch(jobId, { cancelledBy: origin.userId });
  const stopping = await context.admission.beginStop(
    jobId,
    context.now() + context.cancelGraceSeconds * 1000,
  );
  // A lock without a slot (taken before admission existed) has nothing to wait for.
  if (!stopping) await context.conversations.release(jobId);
  await reply({
    kind: 'stopping',
    jobId,
    userId: origin.userId,
    graceSeconds: context.cancelGraceSeconds,
  });
  context.onStopping?.(jobId);
  context.logger.info({ jobId, requestedBy: origin.userId }, 'Job cancelled; stopping');
  return { kind: 'cancelled', jobId };
}

async function refuseNotOwner(
  context: JobContext,
  origin: ChatOrigin,
  jobId: string,
  requestedBy: string | undefined,
  admins: ReadonlySet<string>,
): Promise<void> {
  await refuse(
    context,
    origin,
    'cancel',
    'the job is someone else’s',
    { jobId },
    {
      kind: 'not-job-owner',
      jobId,
      action: 'cancel',
      requestedBy,
      admins: [...admins],
    },
  );
}
