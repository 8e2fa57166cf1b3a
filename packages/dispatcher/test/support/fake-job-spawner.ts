import type { JobSpec } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';
import type {
  JobExit,
  JobSpawner,
  SpawnedJob,
  SpawnerReadiness,
} from '../../src/spawners/job-spawner.js';
import { jobLabels, jobName } from '../../src/spawners/job-spawner.js';

interface FakeJob {
  spec: JobSpec;
  running: boolean;
  exit?: JobExit;
  waiters: Array<(exit: JobExit) => void>;
}

/**
 * An in-memory {@link JobSpawner} for tests: records what was spawned and stopped, and lets a
 * test end a job, fail the next spawn or make the engine unreachable. Nothing is started.
 */
export class FakeJobSpawner implements JobSpawner {
  readonly type = 'fake';
  readonly spawned: JobSpec[] = [];
  /** Every spec passed to `spawn`, including refused ones. */
  readonly attempted: JobSpec[] = [];
  readonly stopped: Array<{ jobId: string; graceSeconds: number | undefined }> = [];
  /** The per-job environment (broker token, Redis user) each spawned job received. */
  readonly environments = new Map<string, Record<string, string>>();
  readonly #jobs = new Map<string, FakeJob>();
  #failNext: Error | undefined;
  #unreachable: string | undefined;

  /** Makes the next `spawn` throw `error`. */
  failNextSpawn(error: Error = new AppError('spawner_failed', 'the engine refused the job')): void {
    this.#failNext = error;
  }

  /** Makes `checkReadiness` answer not ready (and `spawn` fail) until called with undefined. */
  setUnreachable(reason: string | undefined): void {
    this.#unreachable = reason;
  }

  /** Records the spec in `attempted` at once, and in `spawned` (started) once `beforeStart` resolved. */
  async spawn(
    spec: JobSpec,
    _signal?: AbortSignal,
    jobEnvironment: Record<string, string> = {},
    beforeStart?: Promise<unknown>,
  ): Promise<string> {
    this.attempted.push(spec);
    await Promise.resolve();
    if (this.#unreachable) throw new AppError('spawner_unavailable', this.#unreachable);
    const failure = this.#failNext;
    this.#failNext = undefined;
    if (failure) throw failure;
    await beforeStart;
    this.spawned.push(spec);
    this.environments.set(spec.jobId, jobEnvironment);
    this.#jobs.set(spec.jobId, { spec, running: true, waiters: [] });
    return spec.jobId;
  }

  /** Ends a job as the engine would see it. */
  finish(
    jobId: string,
    exit: Omit<JobExit, 'jobId'> = { reason: 'exited', exitCode: 0, message: 'exited 0' },
  ): void {
    const job = this.#jobs.get(jobId);
    if (!job || !job.running) return;
    job.running = false;
    job.exit = { jobId, ...exit };
    for (const waiter of job.waiters.splice(0)) waiter(job.exit);
  }

  async stop(jobId: string, options?: { graceSeconds?: number }): Promise<void> {
    await Promise.resolve();
    this.stopped.push({ jobId, graceSeconds: options?.graceSeconds });
    this.finish(jobId, { reason: 'stopped', exitCode: 143, message: 'stopped' });
  }

  waitForExit(jobId: string): Promise<JobExit> {
    const job = this.#jobs.get(jobId);
    if (!job) return Promise.resolve({ jobId, reason: 'vanished', message: 'no such job' });
    if (job.exit) return Promise.resolve(job.exit);
    return new Promise((resolve) => job.waiters.push(resolve));
  }

  listJobs(): Promise<SpawnedJob[]> {
    return Promise.resolve(
      [...this.#jobs.values()].map((job) => ({
        jobId: job.spec.jobId,
        name: jobName(job.spec.jobId),
        running: job.running,
        createdAt: job.spec.createdAt,
        labels: jobLabels(job.spec),
      })),
    );
  }

  remove(jobId: string): Promise<void> {
    this.#jobs.delete(jobId);
    return Promise.resolve();
  }

  checkReadiness(): Promise<SpawnerReadiness> {
    return Promise.resolve(
      this.#unreachable ? { ready: false, reason: this.#unreachable } : { ready: true },
    );
  }
}
