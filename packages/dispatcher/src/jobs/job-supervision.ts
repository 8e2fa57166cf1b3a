import type { KnownErrorCode } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import { redisJobLookups, type JobRedisReads } from '../spawners/job-redis-lookups.js';
import type { JobExit } from '../spawners/job-spawner.js';
import { JobSupervisor } from '../spawners/job-supervisor.js';
import { JobWatchdog } from '../spawners/job-watchdog.js';
import { reportJobLost } from './finish-job.js';
import type { JobContext } from './job-context.js';

const CODES: Record<JobExit['reason'], KnownErrorCode> = {
  exited: 'agent_crashed',
  out_of_memory: 'agent_out_of_memory',
  deadline_exceeded: 'run_deadline_exceeded',
  image_missing: 'agent_image_missing',
  rejected: 'spawner_failed',
  stopped: 'agent_lost',
  vanished: 'agent_lost',
};

export interface JobSupervision {
  /** Follows a freshly spawned job until its container/Pod ends. */
  watch: JobWatchdog['watchSpec'];
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects the spawners' watchdog and reaper to the dispatcher: a job whose container dies without
 * a final entry is reported through {@link reportJobLost} (error card, channel freed). The relay
 * enforces `JOB_MAX_DURATION`, so the watchdog does not.
 */
export function createJobSupervision(
  context: JobContext,
  reads: JobRedisReads,
  logger: Logger,
): JobSupervision {
  const lookups = redisJobLookups(reads);
  const watchdog = new JobWatchdog({
    spawner: context.spawner,
    finalEntries: lookups,
    logger,
    enforceDeadline: false,
    reporter: {
      reportJobLost: async (jobId, reason, exit) => {
        await reportJobLost(context, jobId, reason, CODES[exit.reason]);
      },
    },
  });
  const supervisor = new JobSupervisor({
    spawner: context.spawner,
    watchdog,
    activeJobs: lookups,
    maxDurationSeconds: Math.ceil(context.jobMaxDurationMs / 1000),
    logger,
    onReaped: async (jobIds) => {
      const { credentials } = context;
      if (credentials) await Promise.all(jobIds.map((jobId) => credentials.revoke(jobId)));
    },
  });
  return {
    watch: (spec) => watchdog.watchSpec(spec),
    start: async () => {
      await supervisor.start();
    },
    close: async () => {
      watchdog.close();
      await supervisor.close();
    },
  };
}
