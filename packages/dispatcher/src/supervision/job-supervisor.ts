import { silentLogger, type Logger } from '@agentsmith/kit';
import type { ConversationStateManager } from '../conversations/conversation-state-manager.js';
import type { JobSpawner } from '../spawners/job-spawner.js';
import type { JobWatchdog } from './job-watchdog.js';
import { reapOrphans, type ReapResult } from './reap-orphans.js';

export interface JobSupervisorOptions {
  spawner: JobSpawner;
  watchdog: JobWatchdog;
  conversations: Pick<ConversationStateManager, 'findByJobId'>;
  /** Between two reaps (default one minute). */
  intervalMs?: number;
  minAgeMs?: number;
  logger?: Logger;
  /** Called with the jobs a reap removed (their per-job credentials are revoked). */
  onReaped?: (jobIds: string[]) => Promise<void>;
  /**
   * Jobs the dispatcher still tracks whose container or Pod was created: followed too, so one
   * that vanished while no dispatcher watched (the engine restarted with it) is reported at once.
   */
  spawnedJobs?: () => Promise<string[]>;
}

/**
 * Runs the reaper on start-up and every minute, and re-attaches the watchdog to running jobs that
 * still hold their channel (e.g. after the dispatcher restarted).
 */
export class JobSupervisor {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReapResult | undefined> | undefined;
  readonly #logger: Logger;

  constructor(private readonly options: JobSupervisorOptions) {
    this.#logger = (options.logger ?? silentLogger()).child({ component: 'job-supervisor' });
  }

  /** Reaps once now, then on the interval. */
  async start(): Promise<ReapResult | undefined> {
    const first = await this.runOnce();
    this.#timer = setInterval(() => void this.runOnce(), this.options.intervalMs ?? 60_000);
    this.#timer.unref();
    return first;
  }

  /** One reap (never two at once); failures are logged, not thrown. */
  runOnce(): Promise<ReapResult | undefined> {
    this.#running ??= this.#reap().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async #reap(): Promise<ReapResult | undefined> {
    try {
      const result = await reapOrphans({
        spawner: this.options.spawner,
        conversations: this.options.conversations,
        logger: this.#logger,
        ...(this.options.minAgeMs === undefined ? {} : { minAgeMs: this.options.minAgeMs }),
      });
      await this.options.onReaped?.(result.removed);
      for (const job of result.active) {
        void this.options.watchdog.watch(job.jobId);
      }
      // The engine lists only containers that still exist; a tracked job whose container is gone
      // is "vanished" to the watchdog, which reports it unless its final entry is there.
      for (const jobId of (await this.options.spawnedJobs?.()) ?? []) {
        void this.options.watchdog.watch(jobId);
      }
      return result;
    } catch (error) {
      this.#logger.warn({ err: error }, 'reaping orphaned agents failed');
      return undefined;
    }
  }
}
