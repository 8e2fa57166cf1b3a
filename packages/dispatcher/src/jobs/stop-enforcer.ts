import type { JobExit } from '../spawners/job-spawner.js';
import { reportJobLost } from './finish-job.js';
import type { JobContext } from './job-context.js';
import type { RelayJobStore } from './job-store.js';
import { releaseJob } from './start-admitted-job.js';

export interface StopEnforcerOptions {
  store: Pick<RelayJobStore, 'activeJobIds' | 'acquireLease' | 'leaseHolder' | 'hasFinalEntry'>;
  instanceId: string;
  /** The relay's lease length; a stopping job no longer relayed is leased for as long. */
  leaseMs: number;
  /** How often the stopping jobs are looked at (deadlines are checked this often). */
  intervalMs?: number;
  /**
   * A slot whose job was never tracked this long after its admission is freed: the replica that
   * claimed it died before it could start the job (default 10 minutes).
   */
  abandonedAfterMs?: number;
}

/**
 * Follows every "stopping" job (cancelled, or past `JOB_MAX_DURATION`) on the replica that holds
 * its lease: while the relay still relays the job, the relay's lease decides (and only the relay
 * renews it); afterwards this takes the lease itself. The holder stops the container once the
 * deadline kept in Redis has passed, and when it sees the container's exit it frees the channel,
 * the ticket and the slot, which starts the job queued behind it. Nothing lives only in memory: a
 * restarted or other replica picks the same job up from Redis.
 */
export class StopEnforcer {
  readonly #watching = new Map<string, AbortController>();
  readonly #stopAsked = new Set<string>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #context: JobContext | undefined;
  #lastSweep = 0;

  constructor(private readonly options: StopEnforcerOptions) {
    this.#intervalMs = options.intervalMs ?? Math.max(200, Math.min(2_000, options.leaseMs / 3));
  }

  /** Starts looking; `context` is the one whose `onStopping` wakes this enforcer. */
  start(context: JobContext): void {
    this.#context = context;
    this.#timer = setInterval(() => this.wake(), this.#intervalMs);
    this.#timer.unref();
    this.wake();
  }

  /** Looks at the stopping jobs now (e.g. right after a cancel). */
  wake(): void {
    const context = this.#context;
    if (this.#closed || !context) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#round(context)
      .catch((error: unknown) => context.logger.warn({ err: error }, 'Stop enforcer round failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const controller of this.#watching.values()) controller.abort();
    this.#watching.clear();
    await this.#running;
  }

  async #round(context: JobContext): Promise<void> {
    await this.#sweepAbandoned(context);
    const stopping = await context.admission.stopping();
    const ids = new Set(stopping.map((job) => job.jobId));
    for (const [jobId, controller] of this.#watching) {
      if (!ids.has(jobId)) {
        controller.abort();
        this.#watching.delete(jobId);
        this.#stopAsked.delete(jobId);
      }
    }
    if (stopping.length === 0) return;
    const relayed = new Set(await this.options.store.activeJobIds());
    for (const { jobId, deadlineAt } of stopping) {
      if (!(await this.#holdsLease(jobId, relayed.has(jobId)))) {
        this.#watching.get(jobId)?.abort();
        this.#watching.delete(jobId);
        this.#stopAsked.delete(jobId);
        continue;
      }
      if (!this.#watching.has(jobId)) this.#watch(context, jobId);
      if (context.now() >= deadlineAt && !this.#stopAsked.has(jobId)) {
        this.#stopAsked.add(jobId);
        context.logger.info({ jobId }, 'Stop deadline passed; stopping the job');
        // In the background: a slow engine must not hold up the other stopping jobs.
        context.spawner.stop(jobId, { graceSeconds: 10 }).catch((error: unknown) => {
          this.#stopAsked.delete(jobId);
          context.logger.warn({ err: error, jobId }, 'Could not stop a stopping job; retrying');
        });
      }
    }
  }

  /** Once a minute: frees slots of jobs claimed from the queue by a replica that died before starting them. */
  async #sweepAbandoned(context: JobContext): Promise<void> {
    const now = context.now();
    if (now - this.#lastSweep < 60_000) return;
    this.#lastSweep = now;
    const limit = this.options.abandonedAfterMs ?? 600_000;
    const old = (await context.admission.admitted()).filter(
      (slot) => now - slot.admittedAt >= limit,
    );
    if (old.length === 0) return;
    const tracked = new Set(await this.options.store.activeJobIds());
    const stopping = new Set((await context.admission.stopping()).map((job) => job.jobId));
    for (const { jobId } of old) {
      if (tracked.has(jobId) || stopping.has(jobId)) continue;
      context.logger.warn(
        { jobId },
        'Freeing the slot of a job that was admitted but never started',
      );
      await releaseJob(context, jobId);
    }
  }

  async #holdsLease(jobId: string, relayed: boolean): Promise<boolean> {
    const { store, instanceId, leaseMs } = this.options;
    if (relayed) return (await store.leaseHolder(jobId)) === instanceId;
    return store.acquireLease(jobId, instanceId, leaseMs);
  }

  #watch(context: JobContext, jobId: string): void {
    const controller = new AbortController();
    this.#watching.set(jobId, controller);
    context.spawner.waitForExit(jobId, controller.signal).then(
      (exit) => {
        if (controller.signal.aborted) return;
        void this.#exited(context, jobId, exit).finally(() => {
          this.#watching.delete(jobId);
          this.#stopAsked.delete(jobId);
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // Tried again on the next round: freeing the channel on a guess could start a job beside
        // a container that still runs.
        context.logger.warn({ err: error, jobId }, 'Could not follow a stopping job');
        this.#watching.delete(jobId);
      },
    );
  }

  async #exited(context: JobContext, jobId: string, exit: JobExit): Promise<void> {
    const { store } = this.options;
    try {
      if (!(await store.hasFinalEntry(jobId))) {
        await reportJobLost(context, jobId, `it was stopped (${exit.message})`, 'agent_lost');
      }
      await releaseJob(context, jobId);
      context.logger.info({ jobId, exit: exit.message }, 'Stopping job exited; channel free');
    } catch (error) {
      context.logger.warn({ err: error, jobId }, 'Could not free a stopped job; retrying');
    }
  }
}
