import type { JobSpec } from '@agentsmith/contracts';

/** How a spawned job's container or Pod ended, as the engine saw it. */
export interface JobExit {
  jobId: string;
  /** `exited`: the process ended by itself (see exitCode); the rest are deaths the agent may not have reported. */
  reason:
    | 'exited'
    | 'out_of_memory'
    | 'deadline_exceeded'
    | 'image_missing'
    | 'rejected'
    | 'stopped'
    | 'vanished';
  exitCode?: number;
  /** Plain-language description, e.g. "out of memory, exit 137". */
  message: string;
}

/** A job the spawner owns (found by its labels). */
export interface SpawnedJob {
  jobId: string;
  /** Engine-side name: `agentsmith-<jobId>`. */
  name: string;
  running: boolean;
  createdAt: number;
  labels: Record<string, string>;
}

export interface SpawnerReadiness {
  ready: boolean;
  /** Why not, in plain language (e.g. "no Docker socket at /var/run/docker.sock"). */
  reason?: string;
}

/**
 * The seed's `IJobSpawner`: starts one ephemeral agent for a job and keeps track of it. The
 * dispatcher is spawner-agnostic; `SPAWNER_TYPE` picks the implementation at start-up.
 */
export interface JobSpawner {
  readonly type: 'docker' | 'kubernetes' | (string & {});
  /**
   * Starts the agent for `spec` (container/Job `agentsmith-<jobId>`) and returns the job id.
   * `jobEnvironment` holds the job's own secrets (broker token, Redis user and password): Docker
   * sets them as environment variables, Kubernetes puts them in a Secret owned by the Job.
   * `beforeStart` is the dispatcher's own work the start must wait for (the job announced in the
   * chat and tracked for the relay): the spawner prepares what it can meanwhile, starts nothing
   * before it resolves, and removes what it prepared and rejects when it rejects.
   */
  spawn(
    spec: JobSpec,
    signal?: AbortSignal,
    jobEnvironment?: Record<string, string>,
    beforeStart?: Promise<unknown>,
  ): Promise<string>;
  /** Stops the job: SIGTERM, then kill after `graceSeconds`. Succeeds when it is already gone. */
  stop(jobId: string, options?: { graceSeconds?: number }): Promise<void>;
  /** Resolves once the job's container/Pod has ended, with how it ended. */
  waitForExit(jobId: string, signal?: AbortSignal): Promise<JobExit>;
  /** Every job carrying this dispatcher's labels, running or finished (for the reaper). */
  listJobs(): Promise<SpawnedJob[]>;
  /** Removes a job's container/Job and what belongs to it. */
  remove(jobId: string): Promise<void>;
  /** Whether the engine answers (for `/ready` and for a clear `fix` refusal). */
  checkReadiness(): Promise<SpawnerReadiness>;
}

/** Labels on every container and Job (docs/deployment.md). */
export function jobLabels(spec: JobSpec): Record<string, string> {
  return {
    app: 'agentsmith',
    'job-id': spec.jobId,
    platform: spec.platform,
    project: spec.intent.project,
    'managed-by': 'agentsmith-dispatcher',
  };
}

/** Name of a job's container or Kubernetes Job. */
export function jobName(jobId: string): string {
  return `agentsmith-${jobId}`;
}
