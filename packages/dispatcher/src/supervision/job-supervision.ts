import type { ErrorCode } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { ConversationStateManager } from '../conversations/conversation-state-manager.js';
import { reportJobLost } from '../jobs/finish-job.js';
import type { JobCredentialIssuer } from '../jobs/job-credential-issuer.js';
import type { JobStore } from '../jobs/job-store.js';
import type { JobExit, JobSpawner } from '../spawners/job-spawner.js';
import { JobSupervisor } from './job-supervisor.js';
import { JobWatchdog } from './job-watchdog.js';

const CODES: Record<JobExit['reason'], ErrorCode> = {
  exited: 'agent_crashed',
  out_of_memory: 'agent_out_of_memory',
  deadline_exceeded: 'run_deadline_exceeded',
  image_missing: 'agent_image_missing',
  rejected: 'spawner_failed',
  stopped: 'agent_lost',
  vanished: 'agent_lost',
};

export interface JobSupervisionPorts {
  spawner: JobSpawner;
  conversations: ConversationStateManager;
  jobs: JobStore;
  now: () => number;
  logger: Logger;
  /** Revokes the credentials of jobs whose containers the reaper removed. */
  credentials?: Pick<JobCredentialIssuer, 'revoke'> | undefined;
  /** Ids of the jobs being tracked for the relay (all replicas). */
  trackedJobIds?: () => Promise<string[]>;
}

export interface JobSupervision {
  /** Follows a freshly spawned job until its container/Pod ends. */
  watch(jobId: string): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects the watchdog and the reaper to the dispatcher: a job whose container dies without a
 * final entry is reported through {@link reportJobLost} (error card, channel freed); a container
 * whose job no longer holds its channel is removed. The relay enforces `JOB_MAX_DURATION`.
 */
export function createJobSupervision(ports: JobSupervisionPorts): JobSupervision {
  const { spawner, conversations, jobs, logger } = ports;
  const watchdog = new JobWatchdog({
    spawner,
    finalEntries: jobs,
    logger,
    reporter: {
      reportJobLost: async (jobId, reason, exit) => {
        await reportJobLost(ports, jobId, reason, CODES[exit.reason]);
      },
    },
  });
  const { credentials, trackedJobIds } = ports;
  const supervisor = new JobSupervisor({
    spawner,
    watchdog,
    conversations,
    logger,
    ...(trackedJobIds
      ? {
          // Only jobs whose spawn completed: a job still being spawned has no container yet.
          spawnedJobs: async () => {
            const tracked = await Promise.all(
              (await trackedJobIds()).map((jobId) => jobs.get(jobId)),
            );
            return tracked.flatMap((job) =>
              job?.phases?.spawned !== undefined ? [job.jobId] : [],
            );
          },
        }
      : {}),
    ...(credentials
      ? {
          onReaped: async (jobIds: string[]) => {
            await Promise.all(jobIds.map((jobId) => credentials.revoke(jobId)));
          },
        }
      : {}),
  });
  return {
    watch: (jobId) => watchdog.watch(jobId),
    start: async () => {
      await supervisor.start();
    },
    close: async () => {
      watchdog.close();
      await supervisor.close();
    },
  };
}
