import { decodeBusEntry, jobOutStreamKey, type PhaseMarks } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import { formatJobCost, formatPhases, formatStep } from './jobs-view.js';
import type { LiveEvent, LiveFeed } from './live-event.js';

export interface RedisLiveFeedOptions {
  /** Opens the feed's own blocking connection (it never shares the relay's). */
  connect: () => Redis;
  /** The running jobs (the relay's active set). */
  activeJobIds: () => Promise<string[]>;
  /** The queued jobs, in order. */
  queuedJobIds: () => Promise<string[]>;
  /** The dispatcher's own phase marks of a job (received … spawned), for the phase line. */
  dispatcherPhases: (jobId: string) => Promise<PhaseMarks | undefined>;
  logger: Logger;
  /** Removes known secret values from a label an agent wrote. */
  scrub?: (text: string) => string;
  /** How long one XREAD waits; also how soon a started, finished or queued job is noticed. */
  blockMs?: number;
  /** Entries read per stream and round. */
  count?: number;
}

/**
 * Reads every running job's `job:<id>:out` with plain XREAD (no consumer group, so the relay's
 * delivery is untouched) on a connection of its own, and watches the active set and the queue.
 * It runs only while it has listeners: the first subscriber starts it, the last one stops it.
 */
export class RedisLiveFeed implements LiveFeed {
  readonly #listeners = new Set<(event: LiveEvent) => void>();
  #running: Promise<void> | undefined;
  #connection: Redis | undefined;
  #closed = false;
  /** The running and queued jobs last seen; kept across runs, so a change during a restart is told. */
  #signature: string | undefined;

  constructor(private readonly options: RedisLiveFeedOptions) {}

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#ensureRunning();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#connection?.disconnect();
    };
  }

  /** Stops the loop for good and waits for it (shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#connection?.disconnect();
    await this.#running;
  }

  #ensureRunning(): void {
    if (this.#running || this.#closed) return;
    this.#running = this.#run().then(
      () => {
        this.#running = undefined;
        // Someone subscribed while the loop was winding down: it needs a new one.
        if (this.#listeners.size > 0) this.#ensureRunning();
      },
      (error: unknown) => {
        // Not restarted at once (that could spin): the next first subscriber tries again.
        this.#running = undefined;
        this.options.logger.error({ err: error }, 'Jobs page live feed stopped');
      },
    );
  }

  #emit(event: LiveEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  async #run(): Promise<void> {
    const { options } = this;
    const blockMs = options.blockMs ?? 1_000;
    const redis = options.connect();
    this.#connection = redis;
    const cursors = new Map<string, string>();
    const phases = new Map<string, PhaseMarks | undefined>();
    try {
      // A connection ended by the last unsubscribe is not reused: a new subscriber gets a new loop.
      while (this.#listeners.size > 0 && !ended(redis)) {
        try {
          const [active, queued] = await Promise.all([
            options.activeJobIds(),
            options.queuedJobIds(),
          ]);
          const next = `${[...active].sort().join(',')}|${queued.join(',')}`;
          if (this.#signature !== undefined && next !== this.#signature)
            this.#emit({ type: 'changed' });
          this.#signature = next;
          for (const jobId of cursors.keys()) {
            if (!active.includes(jobId)) {
              cursors.delete(jobId);
              phases.delete(jobId);
            }
          }
          for (const jobId of active) {
            // A job seen for the first time: its rows show what it did so far; follow from here.
            if (!cursors.has(jobId)) cursors.set(jobId, await lastEntryId(redis, jobId));
          }
          if (cursors.size === 0) {
            await new Promise((resolve) => setTimeout(resolve, blockMs));
            continue;
          }
          const jobIds = [...cursors.keys()];
          const reply = await redis.xread(
            'COUNT',
            options.count ?? 100,
            'BLOCK',
            blockMs,
            'STREAMS',
            ...jobIds.map(jobOutStreamKey),
            ...jobIds.map((jobId) => cursors.get(jobId) ?? '$'),
          );
          for (const [key, entries] of reply ?? []) {
            const jobId = jobIds.find((candidate) => jobOutStreamKey(candidate) === key);
            if (jobId === undefined) continue;
            for (const [id, fields] of entries) {
              cursors.set(jobId, id);
              await this.#forward(jobId, fields, phases);
            }
          }
        } catch (error) {
          if (this.#listeners.size === 0 || ended(redis)) break;
          options.logger.warn({ err: error }, 'Jobs page live feed failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, blockMs));
        }
      }
    } finally {
      redis.disconnect();
      if (this.#connection === redis) this.#connection = undefined;
    }
  }

  async #forward(
    jobId: string,
    fields: string[],
    phases: Map<string, PhaseMarks | undefined>,
  ): Promise<void> {
    let entry;
    try {
      entry = decodeBusEntry(fields);
    } catch {
      return; // the relay reports entries it cannot read; the page just skips them
    }
    if (entry.type === 'progress') {
      if (!phases.has(jobId)) phases.set(jobId, await this.options.dispatcherPhases(jobId));
      this.#emit({
        type: 'progress',
        jobId,
        step: this.options.scrub?.(formatStep(entry)) ?? formatStep(entry),
        phases: formatPhases({ ...entry.phases, ...phases.get(jobId) }),
        cost: formatJobCost(entry.costUsd, true),
      });
    } else if (entry.type === 'done' || entry.type === 'error') {
      this.#emit({ type: 'changed' });
    }
  }
}

/** Whether the connection was closed for good (by the last unsubscribe or `close`). */
function ended(redis: Redis): boolean {
  return redis.status === 'end';
}

async function lastEntryId(redis: Redis, jobId: string): Promise<string> {
  const [last] = await redis.xrevrange(jobOutStreamKey(jobId), '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0-0';
}
