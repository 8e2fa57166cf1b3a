import type { FixTicketIntent } from '@agentsmith/contracts';
import { JobSpec, PROTOCOL_VERSION } from '@agentsmith/contracts';
import { toAppError } from '@agentsmith/kit';
import type { ChatOrigin, JobContext } from './job-context.js';
import { lockTtlMs } from './job-context.js';
import type { TrackedJob } from './job-store.js';
import type { Notice } from './notices.js';
import { recordPhase } from './phase-timings.js';
import { findProject } from './project-catalog.js';

/** How a `fix` request ended, for callers and tests. */
export type DispatchResult =
  | { kind: 'started'; jobId: string }
  | { kind: 'busy'; jobId: string }
  | { kind: 'refused'; reason: string };

const SPAWN_TIMEOUT_MS = 60_000;

/**
 * The fix flow: check the project and the spawner, take the channel's lock atomically, reply
 * "Starting job …" in the thread, track the job for the relay, and spawn the agent. A failed
 * spawn is reported in plain language and frees the channel.
 */
export async function dispatchFix(
  context: JobContext,
  origin: ChatOrigin,
  request: FixTicketIntent,
): Promise<DispatchResult> {
  const reply = (notice: Notice) =>
    context.notifier.post(origin.channelId, notice, origin.threadTs);
  const project = await findProject(context, origin, request.project);
  if (!project) return { kind: 'refused', reason: 'unknown project' };
  const readiness = await context.spawner.checkReadiness();
  if (!readiness.ready) {
    const reason = readiness.reason ?? 'the job engine is not reachable';
    await reply({ kind: 'spawner-unavailable', reason });
    return { kind: 'refused', reason };
  }

  const jobId = context.newJobId();
  const startedAt = context.now();
  const deadlineAt = startedAt + context.jobMaxDurationMs;
  const lock = await context.conversations.acquire(
    {
      schemaVersion: 1,
      jobId,
      platform: origin.platform,
      channelId: origin.channelId,
      project: project,
      ticketId: request.ticketId,
      threadId: origin.threadTs,
      requestedBy: origin.userId,
      startedAt,
      deadlineAt,
    },
    lockTtlMs(context.jobMaxDurationMs),
  );
  if (!lock.acquired) {
    await reply({ kind: 'busy', holder: lock.holder });
    return { kind: 'busy', jobId: lock.holder.jobId };
  }

  const job: TrackedJob = {
    jobId,
    platform: origin.platform,
    channelId: origin.channelId,
    threadTs: origin.threadTs,
    project: project,
    ticketId: request.ticketId,
    requestedBy: origin.userId,
    startedAt,
    deadlineAt,
    phases: { received: origin.receivedAt ?? startedAt },
  };
  const logger = context.logger.child({ jobId, channelId: origin.channelId });
  try {
    job.statusTs = await reply({ kind: 'starting', job });
    job.phases = { ...job.phases, acknowledged: context.now() };
    await context.jobs.track(job);
    const image = await context.projects.image?.(project);
    const spec = JobSpec.parse({
      specificationVersion: PROTOCOL_VERSION,
      jobId,
      intent: { ticketId: request.ticketId, project: project },
      platform: origin.platform,
      channelId: origin.channelId,
      threadId: origin.threadTs,
      requestedBy: origin.userId,
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
    await context.conversations.release(jobId).catch(() => undefined);
    const notice: Notice = { kind: 'spawn-failed', jobId, reason: failure.message };
    if (job.statusTs) {
      await context.notifier.update(origin.channelId, job.statusTs, notice).catch(() => undefined);
    } else {
      await reply(notice).catch(() => undefined);
    }
    return { kind: 'refused', reason: failure.message };
  }
  context.metrics.jobsStarted += 1;
  logger.info({ project: project, ticketId: request.ticketId }, 'Job started');
  return { kind: 'started', jobId };
}
