import { JobSpec, PROTOCOL_VERSION } from '@agentsmith/contracts';
import { toAppError } from '@agentsmith/kit';
import type { AdmissionRequest } from './admission-queue.js';
import type { JobContext } from './job-context.js';
import type { TrackedJob } from './job-store.js';
import type { Notice } from './notices.js';
import { recordPhase } from './phase-timings.js';

const SPAWN_TIMEOUT_MS = 60_000;

/**
 * Starts a job the admission queue let in: "Starting job …" (the queued message is edited into it
 * when there is one), track it for the relay, spawn the agent. A failed spawn is reported in plain
 * language and frees what the job held, which may let the next queued job in.
 */
export async function startAdmittedJob(
  context: JobContext,
  request: AdmissionRequest,
): Promise<boolean> {
  const { jobId } = request;
  const startedAt = request.startedAt ?? context.now();
  const job: TrackedJob = {
    jobId,
    platform: request.platform,
    channelId: request.channelId,
    threadTs: request.threadTs,
    project: request.project,
    ticketId: request.ticketId,
    requestedBy: request.requestedBy,
    startedAt,
    deadlineAt: request.deadlineAt ?? startedAt + context.jobMaxDurationMs,
    // A job with a queue message waited for a slot from the moment it was asked for.
    phases: {
      received: request.requestedAt,
      ...(request.statusTs ? { queued: request.requestedAt } : {}),
    },
  };
  const logger = context.logger.child({ jobId, channelId: request.channelId });
  try {
    job.statusTs = await showStarting(context, request, { kind: 'starting', job });
    job.phases = { ...job.phases, acknowledged: context.now() };
    await context.jobs.track(job);
    const image = await context.projects.image?.(request.project);
    const spec = JobSpec.parse({
      specificationVersion: PROTOCOL_VERSION,
      jobId,
      intent: { ticketId: request.ticketId, project: request.project },
      platform: request.platform,
      channelId: request.channelId,
      threadId: request.threadTs,
      requestedBy: request.requestedBy,
      redisUrl: context.agentRedisUrl,
      maxDurationSeconds: Math.ceil(context.jobMaxDurationMs / 1000),
      createdAt: startedAt,
      ...(image ? { image } : {}),
    });
    const jobEnvironment = await context.credentials?.issue(spec);
    await context.spawner.spawn(spec, AbortSignal.timeout(SPAWN_TIMEOUT_MS), jobEnvironment);
    await recordPhase(context.jobs, job, 'spawned', context.now()).catch((error: unknown) =>
      logger.warn({ err: error }, 'Could not record the spawn time'),
    );
    context.onSpawned?.(spec);
  } catch (error) {
    const failure = toAppError(error, 'spawner_failed');
    logger.error({ err: failure, code: failure.code }, 'Job could not be started');
    context.metrics.jobsFailed += 1;
    await context.credentials?.revoke(jobId).catch(() => undefined);
    await context.jobs.untrack(jobId).catch(() => undefined);
    const notice: Notice = { kind: 'spawn-failed', jobId, reason: failure.message };
    const statusTs = job.statusTs;
    if (statusTs) {
      await context.notifier.update(job.channelId, statusTs, notice).catch(() => undefined);
    } else {
      await context.notifier.post(job.channelId, notice, job.threadTs).catch(() => undefined);
    }
    await releaseJob(context, jobId).catch((releaseError: unknown) =>
      logger.error({ err: releaseError }, 'Could not free what a failed job held'),
    );
    return false;
  }
  context.metrics.jobsStarted += 1;
  logger.info({ project: request.project, ticketId: request.ticketId }, 'Job started');
  return true;
}

async function showStarting(
  context: JobContext,
  request: AdmissionRequest,
  notice: Notice,
): Promise<string> {
  if (request.statusTs) {
    const updated = await context.notifier.update(request.channelId, request.statusTs, notice).then(
      () => true,
      () => false,
    );
    if (updated) return request.statusTs;
  }
  return context.notifier.post(request.channelId, notice, request.threadTs);
}

/** Starts, one after the other, the queued jobs an admission pass let in. */
export async function startAdmittedJobs(
  context: JobContext,
  requests: readonly AdmissionRequest[],
): Promise<void> {
  for (const request of requests) await startAdmittedJob(context, request);
}

/**
 * Frees a job's slot, channel and ticket (a cancelled job whose container still runs keeps them
 * when `keepIfStopping`) and starts whatever queued jobs that lets in. Idempotent.
 */
export async function releaseJob(
  context: JobContext,
  jobId: string,
  options: { keepIfStopping?: boolean } = {},
): Promise<void> {
  const released = await context.admission.release(jobId, options);
  // A channel lock taken without a slot (by a dispatcher from before admission) is freed too.
  if (released.was !== 'stopping') await context.conversations.release(jobId);
  if (released.started.length > 0) await startAdmittedJobs(context, released.started);
}
