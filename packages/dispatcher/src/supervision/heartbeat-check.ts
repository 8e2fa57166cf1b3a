import type { Logger } from '@agentsmith/kit';
import type { RelayJobStore, TrackedJob } from '../jobs/job-store.js';
import type { Notifier } from '../jobs/notifier.js';

export interface HeartbeatCheckPorts {
  jobs: Pick<RelayJobStore, 'get' | 'patch' | 'silenceMs' | 'hasFinalEntry'>;
  notifier: Pick<Notifier, 'post' | 'update'>;
  now: () => number;
  logger: Logger;
  /** `HEARTBEAT_TIMEOUT`: the silence that earns a notice, and again the one that ends the job. */
  timeoutMs: number;
  /** Reports the job as unresponsive on the agent's behalf and stops it (without waiting). */
  endSilentJob: (jobId: string, silentMs: number) => Promise<void>;
}

/**
 * How long the job has been silent: since its last entry on `job:<id>:out` (the agent writes a
 * heartbeat every few seconds), but never longer than since it started or since someone chose
 * "Keep waiting".
 */
async function silenceOf(ports: HeartbeatCheckPorts, job: TrackedJob): Promise<number> {
  const now = ports.now();
  const sinceStart = now - job.startedAt;
  const sinceKeepWaiting = job.keepWaitingAt ? now - job.keepWaitingAt : Infinity;
  const sinceLastEntry = (await ports.jobs.silenceMs(job.jobId)) ?? Infinity;
  return Math.max(0, Math.min(sinceStart, sinceKeepWaiting, sinceLastEntry));
}

/**
 * One heartbeat check of one job, run by the replica that holds the job's relay lease (so the
 * notice is posted once). Silent for `timeoutMs`: the thread says the agent is not responding,
 * with Cancel and Keep waiting. Silent for another `timeoutMs` after that notice: the job is
 * ended. A sign of life in between withdraws the notice.
 */
export async function checkHeartbeat(ports: HeartbeatCheckPorts, jobId: string): Promise<void> {
  const job = await ports.jobs.get(jobId);
  if (!job || job.cancelledBy || job.silenceEndedAt) return;
  // The agent said its last word; the relay has not shown it yet (Slack may be down). Not a hang.
  if (await ports.jobs.hasFinalEntry(jobId)) return;
  const silentMs = await silenceOf(ports, job);
  const noticeAt = job.silenceNoticeAt ?? 0;
  if (noticeAt > 0) {
    const sinceNotice = ports.now() - noticeAt;
    if (silentMs < sinceNotice) {
      await withdrawNotice(ports, job);
    } else if (sinceNotice >= ports.timeoutMs) {
      ports.logger.warn({ jobId, silentMs }, 'Agent still silent after the notice; ending the job');
      await ports.jobs.patch(jobId, { silenceEndedAt: ports.now() });
      await ports.endSilentJob(jobId, silentMs);
    }
    return;
  }
  if (silentMs < ports.timeoutMs) return;
  ports.logger.warn({ jobId, silentMs }, 'Agent is not responding');
  // Taken before posting: a sign of life that comes while the notice is being posted (it may be
  // visible before the post returns) is newer than the notice and withdraws it.
  const postedAt = ports.now();
  const ts = await ports.notifier.post(
    job.channelId,
    { kind: 'agent-unresponsive', job, silentMs, timeoutMs: ports.timeoutMs },
    job.threadTs,
  );
  await ports.jobs.patch(jobId, { silenceNoticeAt: postedAt, silenceNoticeTs: ts });
}

async function withdrawNotice(ports: HeartbeatCheckPorts, job: TrackedJob): Promise<void> {
  await ports.jobs.patch(job.jobId, { silenceNoticeAt: 0 });
  if (!job.silenceNoticeTs) return;
  await ports.notifier
    .update(job.channelId, job.silenceNoticeTs, {
      kind: 'agent-unresponsive-withdrawn',
      job,
      keptWaitingBy: undefined,
    })
    .catch((error: unknown) =>
      ports.logger.warn({ err: error, jobId: job.jobId }, 'Could not withdraw the notice'),
    );
}

/**
 * The "Keep waiting" button: silence is counted afresh from now, and the notice says who chose to
 * wait (its buttons go away). Ignored when the job has ended meanwhile.
 */
export async function keepWaiting(
  ports: Pick<HeartbeatCheckPorts, 'jobs' | 'notifier' | 'now' | 'logger'>,
  jobId: string,
  userId: string,
): Promise<boolean> {
  const job = await ports.jobs.get(jobId);
  if (!job || job.silenceEndedAt) return false;
  await ports.jobs.patch(jobId, { keepWaitingAt: ports.now(), silenceNoticeAt: 0 });
  if (job.silenceNoticeTs) {
    await ports.notifier.update(job.channelId, job.silenceNoticeTs, {
      kind: 'agent-unresponsive-withdrawn',
      job,
      keptWaitingBy: userId,
    });
  }
  ports.logger.info({ jobId, userId }, 'Keep waiting for a silent agent');
  return true;
}
