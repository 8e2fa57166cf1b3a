import type { ChatOrigin, JobContext } from './job-context.js';
import type { Notice } from './notices.js';
import { jobPhases } from './phase-timings.js';

/**
 * `status`: the channel's job with its ticket, current step and elapsed time (or that it is
 * stopping), then the job queued in the channel with its current position.
 */
export async function replyStatus(context: JobContext, origin: ChatOrigin): Promise<void> {
  const reply = (notice: Notice) =>
    context.notifier.post(origin.channelId, notice, origin.threadTs);
  const state = await context.conversations.get(origin.platform, origin.channelId);
  const queued = await context.admission.queuedIn(origin.platform, origin.channelId);
  if (!state && !queued) {
    await reply({ kind: 'no-job' });
    return;
  }
  const stopping = state ? await context.admission.isStopping(state.jobId) : false;
  if (state && stopping) {
    await reply({ kind: 'already-stopping', jobId: state.jobId });
  } else if (state) {
    const job = await context.jobs.get(state.jobId);
    const progress =
      job?.step !== undefined && job.total !== undefined
        ? { step: job.step, total: job.total, label: job.label ?? '' }
        : undefined;
    await reply({
      kind: 'status',
      state,
      progress,
      costUsd: job?.costUsd,
      elapsedMs: context.now() - state.startedAt,
      ...(job ? { phases: jobPhases(job) } : {}),
    });
  }
  const place = queued ? await context.admission.position(queued.jobId) : null;
  if (queued && place) {
    await reply({
      kind: 'queued',
      job: { jobId: queued.jobId, ticketId: queued.ticketId, project: queued.project },
      position: place.position,
      length: place.length,
      behindStopping:
        state && stopping
          ? {
              jobId: state.jobId,
              channelId: state.channelId,
              threadTs: state.threadId,
              project: state.project,
              ticketId: state.ticketId,
              status: 'stopping',
            }
          : undefined,
    });
  }
}
