import type { JobSpec } from '@agentsmith/contracts';
import { silentLogger, type Logger } from '@agentsmith/kit';
import type { FinalEntryLookup } from './job-redis-lookups.js';
import type { JobExit, JobSpawner } from './job-spawner.js';

/**
 * Tells the job's chat thread that the job ended without its own last word, and frees the
 * channel. The dispatcher implements it (it owns Slack and the conversation state); it must be
 * idempotent, because the relay may have reported the same job already.
 */
export interface JobLostReporter {
  reportJobLost(jobId: string, reason: string, exit: JobExit): Promise<void>;
}

export interface JobWatchdogOptions {
  spawner: JobSpawner;
  reporter: JobLostReporter;
  finalEntries: FinalEntryLookup;
  logger?: Logger;
  /** Seconds an agent over its deadline gets between SIGTERM and the kill (default 10). */
  stopGraceSeconds?: number;
  /**
   * Whether the watchdog itself stops and reports jobs past their deadline (default true). Turn it
   * off when another component (e.g. the relay) already enforces `JOB_MAX_DURATION`.
   */
  enforceDeadline?: boolean;
  now?: () => number;
}

interface Watched {
  controller: AbortController;
  timer: NodeJS.Timeout | undefined;
  deadlineHit: boolean;
}

function minutes(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * Follows every spawned job until its container or Pod ends. A job that ends without a `done` or
 * `error` entry is reported through {@link JobLostReporter} with the engine's reason (e.g. "out
 * of memory, exit 137"); a job past its deadline (`JOB_MAX_DURATION`) is reported and stopped.
 */
export class JobWatchdog {
  readonly #watched = new Map<string, Watched>();
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor(private readonly options: JobWatchdogOptions) {
    this.#logger = (options.logger ?? silentLogger()).child({ component: 'job-watchdog' });
    this.#now = options.now ?? Date.now;
  }

  /** Job ids being watched. */
  get watching(): string[] {
    return [...this.#watched.keys()];
  }

  /** Watches a freshly spawned job: its deadline is `createdAt + maxDurationSeconds`. */
  watchSpec(spec: Pick<JobSpec, 'jobId' | 'createdAt' | 'maxDurationSeconds'>): Promise<void> {
    return this.watch(spec.jobId, {
      startedAt: spec.createdAt,
      maxDurationSeconds: spec.maxDurationSeconds,
    });
  }

  /**
   * Starts watching a job (idempotent); it is stopped `maxDurationSeconds` after `startedAt` (ms
   * since epoch). The returned promise settles when the watch ends; callers need not await it.
   */
  watch(jobId: string, limits: { startedAt: number; maxDurationSeconds: number }): Promise<void> {
    if (this.#watched.has(jobId)) return Promise.resolve();
    const controller = new AbortController();
    const watched: Watched = { controller, timer: undefined, deadlineHit: false };
    if (this.options.enforceDeadline !== false) {
      const delay = Math.max(0, limits.startedAt + limits.maxDurationSeconds * 1000 - this.#now());
      watched.timer = setTimeout(
        () => void this.#deadline(jobId, watched, limits.maxDurationSeconds * 1000),
        delay,
      );
    }
    this.#watched.set(jobId, watched);
    return this.#follow(jobId, watched).finally(() => {
      clearTimeout(watched.timer);
      this.#watched.delete(jobId);
    });
  }

  /** Stops watching every job; running jobs are left alone (the reaper owns them after a restart). */
  close(): void {
    for (const watched of this.#watched.values()) {
      clearTimeout(watched.timer);
      watched.controller.abort();
    }
    this.#watched.clear();
  }

  async #follow(jobId: string, watched: Watched): Promise<void> {
    let exit: JobExit;
    try {
      exit = await this.options.spawner.waitForExit(jobId, watched.controller.signal);
    } catch (error) {
      if (!watched.controller.signal.aborted)
        this.#logger.warn({ err: error, jobId }, 'lost track of a job');
      return;
    }
    if (watched.deadlineHit) return;
    const finished = await this.options.finalEntries.hasFinalEntry(jobId).catch(() => false);
    if (finished) return;
    this.#logger.warn(
      { jobId, reason: exit.reason, exitCode: exit.exitCode },
      'job ended without a final entry',
    );
    await this.#report(jobId, exit.message, exit);
  }

  async #deadline(jobId: string, watched: Watched, maxDurationMs: number): Promise<void> {
    watched.deadlineHit = true;
    const message = `stopped after exceeding its deadline of ${minutes(maxDurationMs)} (JOB_MAX_DURATION)`;
    this.#logger.warn({ jobId }, 'job exceeded its deadline; stopping it');
    await this.#report(jobId, message, { jobId, reason: 'deadline_exceeded', message });
    await this.options.spawner
      .stop(jobId, { graceSeconds: this.options.stopGraceSeconds ?? 10 })
      .catch((error: unknown) =>
        this.#logger.error({ err: error, jobId }, 'could not stop a job past its deadline'),
      );
  }

  async #report(jobId: string, reason: string, exit: JobExit): Promise<void> {
    try {
      await this.options.reporter.reportJobLost(jobId, reason, exit);
    } catch (error) {
      this.#logger.error({ err: error, jobId }, 'could not report a lost job');
    }
  }
}
