import { formatCost, ticketLabel } from '@agentsmith/contracts';
import { formatDuration, plainMessage } from '../slack/message-blocks.js';
import type { ChatOrigin, JobContext } from './job-context.js';

/** `status`: the channel's job with its ticket, current step and elapsed time. */
export async function replyStatus(context: JobContext, origin: ChatOrigin): Promise<void> {
  const state = await context.conversations.get(origin.platform, origin.channelId);
  if (!state) {
    await context.notifier.post(
      origin.channelId,
      plainMessage('No job is running in this channel.'),
      origin.threadTs,
    );
    return;
  }
  const job = await context.jobs.get(state.jobId);
  const ticket = ticketLabel(state.ticketId);
  const step =
    job?.step !== undefined && job.total !== undefined
      ? `step ${job.step}/${job.total}: ${job.label ?? ''}`
      : 'waiting for the agent to report its first step';
  const elapsed = formatDuration(context.now() - state.startedAt);
  const cost = job?.costUsd === undefined ? 'not known yet' : formatCost(job.costUsd);
  const text = `Job ${state.jobId} for ${ticket} in ${state.project} — ${step} — running for ${elapsed}, cost so far: ${cost}.`;
  await context.notifier.post(
    origin.channelId,
    plainMessage(text, ':hourglass_flowing_sand:'),
    origin.threadTs,
  );
}
