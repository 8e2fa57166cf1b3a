import type { ChatOrigin, JobContext } from './job-context.js';

/**
 * `cancel`: writes Cancel to `job:<id>:in`, frees the channel, posts "cancelled by @user" and asks
 * the spawner to stop the job once the grace period has passed (the agent normally exits first).
 */
export async function cancelJob(context: JobContext, origin: ChatOrigin): Promise<string | null> {
  const state = await context.conversations.get(origin.platform, origin.channelId);
  if (!state) {
    await context.notifier.post(origin.channelId, { kind: 'no-job' }, origin.threadTs);
    return null;
  }
  const { jobId } = state;
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
  return jobId;
}
