import type { ChatOrigin, JobContext } from './job-context.js';
import { jobPhases } from './phase-timings.js';

/** `status`: the channel's job with its ticket, current step and elapsed time. */
export async function replyStatus(context: JobContext, origin: ChatOrigin): Promise<void> {
  const state = await context.conversations.get(origin.platform, origin.channelId);
  if (!state) {
    await context.notifier.post(origin.channelId, { kind: 'no-job' }, origin.threadTs);
    return;
  }
  const job = await context.jobs.get(state.jobId);
  const progress =
    job?.step !== undefined && job.total !== undefined
      ? { step: job.step, total: job.total, label: job.label ?? '' }
      : undefined;
  await context.notifier.post(
    origin.channelId,
    {
      kind: 'status',
      state,
      progress,
      costUsd: job?.costUsd,
      elapsedMs: context.now() - state.startedAt,
      ...(job ? { phases: jobPhases(job) } : {}),
    },
    origin.threadTs,
  );
}
