import type { Logger } from '@agentsmith/kit';
import type { JobSpawner } from '../spawners/job-spawner.js';

/**
 * Asks the spawner to stop a job without waiting for it: a stop lasts up to its grace period (and
 * longer on a sick engine), and nothing that relays or answers chat may wait that long. A failed
 * stop is logged; the reaper removes what is left.
 */
export function stopInBackground(
  spawner: Pick<JobSpawner, 'stop'>,
  jobId: string,
  logger: Logger,
  graceSeconds = 10,
): void {
  spawner
    .stop(jobId, { graceSeconds })
    .catch((error: unknown) => logger.warn({ err: error, jobId }, 'Could not stop a job'));
}
