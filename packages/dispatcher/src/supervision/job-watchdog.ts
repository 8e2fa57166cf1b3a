import { silentLogger, type Logger } from '@agentsmith/kit';
import type { JobStore } from '../jobs/job-store.js';
import type { JobExit, JobSpawner } from '../spawners/job-spawner.js';

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
  /** Whether the agent published its own final entry (then its ending needs no report). */
  finalEntries: Pick<JobStore, 'hasFinalEntry'>;
  logger?: Logger;
}

/**
 * Follows every spawned job until its container or Pod ends. A job that ends without a `done` or
 * `error` entry is reported through {@link JobLostReporter} with the engine's reason (e.g. "out
 * of memory, exit 137"). `JOB_MAX_DURATION` is the relay's business, not the watchdog's.
 */
export class JobWatchdog {
  readonly #watched = new Map<string, AbortController>();
  readonly #logger: Logger;

  constructor(private readonly options: JobWatchdogOptions) {
    this.#logger = (options.logger ?? silentLogger()).child({ component: 'job-watchdog' });
  }

  /** Job ids being watched. */
  get watching(): string[] {
    return [...this.#watched.keys()];
  }

  /**
   * Starts watching a job (idempotent). The returned promise settles when the watch ends;
   * callers need not await it.
   */
  watch(jobId: string): Promise<void> {
    if (this.#watched.has(jobId)) return Promise.resolve();
    const controller = new AbortController();
    this.#watched.set(jobId, controller);
    return this.#follow(jobId, controller.signal).finally(() => this.#watched.delete(jobId));
  }

  /** Stops watching every job; running jobs are left alone (the reaper owns them after a restart). */
  close(): void {
    for (const controller of this.#watched.values()) controller.abort();
    this.#watched.clear();
  }

  async #follow(jobId: string, signal: AbortSignal): Promise<void> {
    let exit: JobExit;
    try {
      exit = await this.options.spawner.waitForExit(jobId, signal);
    } catch (error) {
      if (!signal.aborted) this.#logger.warn({ err: error, jobId }, 'lost track of a job');
      return;
    }
    const finished = await this.options.finalEntries.hasFinalEntry(jobId).catch(() => false);
    if (finished) return;
    this.#logger.warn(
      { jobId, reason: exit.reason, exitCode: exit.exitCode },
      'job ended without a final entry',
    );
    await this.#report(jobId, exit.message, exit);
  }

  async #report(jobId: string, reason: string, exit: JobExit): Promise<void> {
    try {
      await this.options.reporter.reportJobLost(jobId, reason, exit);
    } catch (error) {
      this.#logger.error({ err: error, jobId }, 'could not report a lost job');
    }
  }
}
