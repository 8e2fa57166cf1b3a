import { adminsOf, refuse } from './access-control.js';
import type { ChatOrigin, JobContext } from './job-context.js';
import { mayControlJob } from './job-permissions.js';

/** How a `cancel` ended. */
export type CancelResult =
  | { kind: 'cancelled'; jobId: string }
  | { kind: 'no-job' }
  /** Someone other than the requester or an admin asked; answered, counted and recorded. */
  | { kind: 'refused'; jobId: string };

/**
 * `cancel`: only the person who started the job or an admin. Writes Cancel to `job:<id>:in`,
 * frees the channel, posts "cancelled by @user" and asks the spawner to stop the job once the
 * grace period has passed (the agent normally exits first).
 */
export async function cancelJob(context: JobContext, origin: ChatOrigin): Promise<CancelResult> {
  const state = await context.conversations.get(origin.platform, origin.channelId);
  if (!state) {
    await context.notifier.post(origin.channelId, { kind: 'no-job' }, origin.threadTs);
    return { kind: 'no-job' };
  }
  const { jobId } = state;
  const admins = adminsOf(context);
  if (!mayControlJob(origin.userId, state, admins)) {
    await refuseNotOwner(context, origin, jobId, state.requestedBy, admins);
    return { kind: 'refused', jobId };
  }
  await context.jobs.writeToAgent({
    type: 'cancel',
    jobId,
    at: context.now(),
    requestedBy: origin.userId,
  });
  await context.jobs.patch(jobId, { cancelledBy: origin.userId });
  await context.conversations.release(jobId);
  await context.notifier.post(
    origin.channelId,
    { kind: 'cancelled', jobId, userId: origin.userId },
    origin.threadTs,
  );
  const timer = setTimeout(() => {
    context.spawner.stop(jobId, { graceSeconds: 10 }).catch((error: unknown) => {
      context.logger.warn({ err: error, jobId }, 'Spawner could not stop a cancelled job');
    });
  }, context.cancelGraceSeconds * 1000);
  timer.unref();
  context.logger.info({ jobId, requestedBy: origin.userId }, 'Job cancelled');
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
