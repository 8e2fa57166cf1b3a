import type { FixTicketIntent } from '@agentsmith/contracts';
import { refuseOverDailyCap } from './daily-cap.js';
import type { ChatOrigin, JobContext } from './job-context.js';
import type { Notice } from './notices.js';
import { findProject } from './project-catalog.js';
import { startAdmittedJob, startAdmittedJobs } from './start-admitted-job.js';

/** How a `fix` request ended, for callers and tests. */
export type DispatchResult =
  | { kind: 'started'; jobId: string }
  | { kind: 'queued'; jobId: string; position: number; length: number }
  | { kind: 'busy'; jobId: string }
  | { kind: 'refused'; reason: string };

/**
 * The fix flow: check the project and the spawner, then ask the admission queue (atomically, on
 * Redis): the job starts at once, waits in the queue (its position is shown and the message turns
 * into "Starting job …" when it starts), or the reply names the job that already holds the
 * channel or the ticket, with a link to its thread. Every request gets one of these answers.
 */
export async function dispatchFix(
  context: JobContext,
  origin: ChatOrigin,
  request: FixTicketIntent,
): Promise<DispatchResult> {
  const reply = (notice: Notice) =>
    context.notifier.post(origin.channelId, notice, origin.threadTs);
  // The engine is asked while the project is looked up; the answers are read in this order.
  const engineReadiness = context.spawner.checkReadiness();
  engineReadiness.catch(() => undefined); // read below; never an unhandled rejection meanwhile
  const project = await findProject(context, origin, request.project);
  const readiness = await engineReadiness;
  if (!project) return { kind: 'refused', reason: 'unknown project' };
  if (!readiness.ready) {
    const reason = readiness.reason ?? 'the job engine is not reachable';
    await reply({ kind: 'spawner-unavailable', reason });
    return { kind: 'refused', reason };
  }
  const overCap = await refuseOverDailyCap(context, project, reply);
  if (overCap) return { kind: 'refused', reason: overCap };

  const jobId = context.newJobId();
  const projectCap = await context.projects.maxConcurrentJobs?.(project);
  const admission = {
    jobId,
    platform: origin.platform,
    channelId: origin.channelId,
    threadTs: origin.threadTs,
    requestedBy: origin.userId,
    project,
    ticketId: request.ticketId,
    requestedAt: origin.receivedAt ?? context.now(),
    ...(projectCap === undefined ? {} : { projectCap }),
  };
  const outcome = await context.admission.request(admission);
  switch (outcome.kind) {
    case 'channel-busy':
    case 'ticket-busy':
      await reply({
        kind: 'job-in-the-way',
        holder: outcome.holder,
        reason: outcome.kind === 'channel-busy' ? 'channel' : 'ticket',
      });
      return { kind: 'busy', jobId: outcome.holder.jobId };
    case 'admitted': {
      const mine = outcome.started.find((started) => started.jobId === jobId);
      const others = outcome.started.filter((started) => started.jobId !== jobId);
      const started = mine ? await startAdmittedJob(context, mine) : false;
      await startAdmittedJobs(context, others);
      return started ? { kind: 'started', jobId } : { kind: 'refused', reason: 'spawn failed' };
    }
    case 'queued': {
      context.metrics.jobsQueued += 1;
      const ts = await reply({
        kind: 'queued',
        job: { jobId, ticketId: request.ticketId, project },
        position: outcome.position,
        length: outcome.length,
        behindStopping: outcome.behindStopping,
      });
      await context.admission.setStatusMessage(jobId, ts);
      await startAdmittedJobs(context, outcome.started);
      context.logger.info(
        { jobId, channelId: origin.channelId, position: outcome.position, length: outcome.length },
        'Job queued',
      );
      return { kind: 'queued', jobId, position: outcome.position, length: outcome.length };
    }
  }
}
