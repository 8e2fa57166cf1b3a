import { adminsOf, refuse } from '../jobs/access-control.js';
import { cancelJob } from '../jobs/cancel-job.js';
import { reportJobLost } from '../jobs/finish-job.js';
import { formatDuration } from '../jobs/format-duration.js';
import type { ChatOrigin, JobContext } from '../jobs/job-context.js';
import { mayControlJob } from '../jobs/job-permissions.js';
import type { RelayJobStore } from '../jobs/job-store.js';
import { stopInBackground } from '../jobs/stop-in-background.js';
import { checkHeartbeat, keepWaiting, type HeartbeatCheckPorts } from './heartbeat-check.js';

/** A click on a button of the "agent is not responding" notice. */
export interface SilenceNoticeClick {
  jobId: string;
  choice: 'cancel' | 'wait';
  origin: ChatOrigin;
}

export interface SilentAgents {
  /** One heartbeat check of a job (the relay's lease holder runs it). */
  check(jobId: string): Promise<void>;
  /** Cancel or Keep waiting, from the notice's buttons. */
  answer(click: SilenceNoticeClick): Promise<void>;
}

/**
 * Heartbeat supervision (`HEARTBEAT_TIMEOUT`) wired to the job services: a job silent after the
 * notice is reported as `agent_unresponsive` on the agent's behalf and stopped in the background.
 */
export function createSilentAgents(
  context: JobContext & { jobs: RelayJobStore },
  timeoutMs: number,
): SilentAgents {
  const logger = context.logger.child({ component: 'heartbeat' });
  const ports: HeartbeatCheckPorts = {
    jobs: context.jobs,
    notifier: context.notifier,
    now: context.now,
    logger,
    timeoutMs,
    endSilentJob: async (jobId, silentMs) => {
      await reportJobLost(
        context,
        jobId,
        `it sent nothing for ${formatDuration(silentMs)}, not even a heartbeat (HEARTBEAT_TIMEOUT is ${formatDuration(timeoutMs)})`,
        'agent_unresponsive',
      );
      stopInBackground(context.spawner, jobId, logger);
    },
  };
  return {
    check: (jobId) => checkHeartbeat(ports, jobId),
    answer: async ({ jobId, choice, origin }) => {
      const holder = await context.conversations.get(origin.platform, origin.channelId);
      if (holder?.jobId !== jobId) {
        await context.notifier.post(origin.channelId, { kind: 'no-job' }, origin.threadTs);
        return;
      }
      if (choice === 'cancel') {
        await cancelJob(context, origin);
        return;
      }
      // Keeping a silent job alive holds the channel, a slot and spending: the same people as cancel.
      const admins = adminsOf(context);
      if (!mayControlJob(origin.userId, holder, admins)) {
        await refuse(
          context,
          origin,
          'keep-waiting',
          'the job is someone else’s',
          { jobId },
          {
            kind: 'not-job-owner',
            jobId,
            action: 'keep-waiting',
            requestedBy: holder.requestedBy,
            admins: [...admins],
          },
        );
        return;
      }
      await keepWaiting(ports, jobId, origin.userId);
    },
  };
}
