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
 * when there is one) and tracking it for the relay run while its credentials are issued and the
 * engine prepares the agent; the agent starts only once both sides are done. A failed spawn (or
 * announcement) is reported in plain language and frees what the job held, which may let the next
 * queued job in.
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
    const announced = announce(context, request, job);
    // Both settle before anything is cleaned up, so a failure knows the status message and the
    // tracking to undo; the announcement's failure is the one to report (the spawner rejects with
    // it too).
    const [announcement, spawned] = await Promise.allSettled([
      announced,
      spawnAgent(context, request, startedAt, announced),
    ]);
    if (announcement.status === 'rejected') throw announcement.reason;
    if (spawned.status === 'rejected') throw spawned.reason;
    const spec = spawned.value;
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

/** "Starting job …" in the chat, then the job tracked for the relay (with that message's ts). */
async function announce(
  context: JobContext,
  request: AdmissionRequest,
  job: TrackedJob,
): Promise<void> {
  job.statusTs = await showStarting(context, request, { kind: 'starting', job });
  job.phases = { ...job.phases, acknowledged: context.now() };
  await context.jobs.track(job);
}

/** The job's spec and credentials, then the agent, started once `announced` resolves. */
async function spawnAgent(
  context: JobContext,
  request: AdmissionRequest,
  startedAt: number,
  announced: Promise<void>,
): Promise<JobSpec> {
  const image = await context.projects.image?.(request.project);
  const spec = JobSpec.parse({
    specificationVersion: PROTOCOL_VERSION,
    jobId: request.jobId,
    intent: { ticketId: request.ticketId, project: request.project },
    platform: request.platform,
    channelId: request.channelId,
    threadId: request.threadTs,
    requestedBy: request.requestedBy,
    redisUrl: context.agentRedisUrl,
    maxDurationSeconds: Math.ceil(context.jobMaxDurationMs / 1000),
    createdAt: startedAt,
    ...(image ? { image } : {}),
    ...(context.jobReplay ? { replay: context.jobReplay } : {}),
  });
  const jobEnvironment = await context.credentials?.issue(spec);
  await context.spawner.spawn(spec, spawnDeadline(announced), jobEnvironment, announced);
  return spec;
}

/** The spawn's time limit, counted from the announcement on: a slow chat must not eat the engine's. */
function spawnDeadline(announced: Promise<void>): AbortSignal {
  const controller = new AbortController();
  const arm = () => {
    setTimeout(() => controller.abort(), SPAWN_TIMEOUT_MS).unref();
  };
  announced.then(arm, arm);
  return controller.signal;
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
