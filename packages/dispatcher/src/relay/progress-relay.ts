import { jobOutStreamKey } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RELAY_GROUP } from '../jobs/job-keys.js';
import type { RawEntry, RelayJobStore, TrackedJob } from '../jobs/job-store.js';
import type { Metrics } from '../server/metrics.js';
import type { BatchResult, EntryDelivery } from './entry-delivery.js';

export interface ProgressRelayOptions {
  /** Connection for ordinary commands. */
  redis: Redis;
  /** Dedicated connection for the blocking `XREADGROUP` (never shared). */
  blocking: Redis;
  /** Dedicated connection subscribed to "jobs changed" notifications. */
  subscriber: Redis;
  store: RelayJobStore;
  delivery: EntryDelivery;
  /** Consumer name of this replica; a restarted replica with the same name resumes at once. */
  instanceId: string;
  logger: Logger;
  metrics: Metrics;
  /** Called once for a relayed job that passed its deadline. */
  onDeadline: (job: Pick<TrackedJob, 'jobId' | 'deadlineAt'>) => Promise<void>;
  /**
   * Checks one job this replica relays (heartbeat supervision), at most once per `blockMs` per job;
   * run by the lease holder only, so what it posts is posted once.
   */
  superviseJob?: (jobId: string) => Promise<void>;
  /** How long a replica's claim on a job lasts without renewal. */
  leaseMs?: number;
  /**
   * Leases are renewed only while the loop has completed a round within this time (default twice
   * the lease): a loop stuck in a call gives its jobs up to another replica.
   */
  stallMs?: number;
  /** Longest blocking read; also how often leases are renewed. */
  blockMs?: number;
  batchSize?: number;
  now?: () => number;
}

interface OwnedJob {
  deadlineAt: number;
  /** Entries delivered to this consumer but not yet acknowledged must be re-read first. */
  replay: boolean;
  retryAt: number;
  failures: number;
  deadlineReported: boolean;
}

/** What a blocking `XREADGROUP` answers: `[[key, [[id, [field, value, …]], …]], …]` or nil. */
const StreamReply = z
  .array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.array(z.string())]))]))
  .nullable();

/**
 * Relays every active job's `job:<id>:out` to the chat through a consumer group. Each job is
 * relayed by one replica at a time (a renewed lease), so entries keep their order; a replica that
 * takes a job over (or restarts) claims the pending entries and replays them first, and the
 * delivery cursor skips what already reached the chat. Reads block in `XREADGROUP`; nothing polls.
 */
export class ProgressRelay {
  readonly #owned = new Map<string, OwnedJob>();
  readonly #leaseMs: number;
  readonly #blockMs: number;
  readonly #batch: number;
  readonly #now: () => number;
  #closing = false;
  #loop: Promise<void> | undefined;
  #closed: Promise<void> | undefined;
  #blockingId: number | undefined;
  #blocked = false;
  #wakeWaiter: (() => void) | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  readonly #stallMs: number;
  /** When the loop last completed a round (or a delivery); leases are renewed only while recent. */
  #progressAt: number;
  #stallReported = false;
  #supervisedAt = 0;
  #supervising: Promise<void> | undefined;

  constructor(private readonly options: ProgressRelayOptions) {
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#stallMs = options.stallMs ?? 2 * this.#leaseMs;
    this.#blockMs = options.blockMs ?? Math.min(5_000, Math.floor(this.#leaseMs / 3));
    this.#batch = options.batchSize ?? 100;
    this.#now = options.now ?? Date.now;
    this.#progressAt = this.#now();
  }

  /** Starts the loop. Does not wait for Redis: an outage at start-up only delays relaying. */
  start(): void {
    const { blocking, subscriber, store, logger } = this.options;
    const fetchId = () => {
      blocking.client('ID').then(
        (id) => (this.#blockingId = Number(id)),
        () => undefined,
      );
    };
    blocking.on('ready', fetchId);
    if (blocking.status === 'ready') fetchId();
    subscriber.on('message', () => this.wake());
    // A job tracked before the subscription took effect sent its notice to no one: look again.
    subscriber.subscribe(store.jobsChangedChannel).then(
      () => this.wake(),
      (error: unknown) => {
        logger.warn(
          { err: error },
          'Could not subscribe to job notifications; relying on the block timeout',
        );
      },
    );
    // Renewed on a timer too, so a long Slack rate-limit wait inside a delivery cannot let the
    // lease lapse and hand the job to a second replica; but only while the loop makes progress, so
    // a replica stuck in a call loses its jobs to another.
    this.#renewTimer = setInterval(() => void this.#renewLeases(), this.#blockMs);
    this.#renewTimer.unref();
    this.#loop = this.#run();
  }

  /** Interrupts the blocking read so a new or finished job is seen at once. */
  wake(): void {
    this.#wakeWaiter?.();
    if (this.#blocked && this.#blockingId !== undefined) {
      this.options.redis.client('UNBLOCK', this.#blockingId).catch(() => undefined);
    }
  }

  /** Stops after the current delivery; idempotent. Connections belong to the caller. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      clearInterval(this.#renewTimer);
      this.wake();
      await this.#loop;
      await this.#supervising;
    })();
    return this.#closed;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closing) {
      try {
        this.#madeProgress();
        await this.#refreshOwnership();
        await this.#checkDeadlines();
        this.#supervise();
        await this.#replayPending();
        await this.#readNew();
        failures = 0;
      } catch (error) {
        if (this.#closing) break;
        failures += 1;
        this.options.metrics.relayErrors += 1;
        this.options.logger.warn({ err: error, failures }, 'Relay loop failed; retrying');
        await this.#pause(Math.min(2_000, 100 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  async #refreshOwnership(): Promise<void> {
    const { store, instanceId } = this.options;
    const active = new Set(await store.activeJobIds());
    for (const jobId of this.#owned.keys()) if (!active.has(jobId)) this.#owned.delete(jobId);
    for (const jobId of active) {
      const owned = await store.acquireLease(jobId, instanceId, this.#leaseMs);
      if (!owned) {
        this.#owned.delete(jobId);
        continue;
      }
      if (this.#owned.has(jobId)) continue;
      let job: TrackedJob | null;
      try {
        job = await store.get(jobId);
      } catch (error) {
        // One unreadable record must not stop the relay of every other job.
        this.options.metrics.relayErrors += 1;
        this.options.logger.error(
          { err: error, jobId },
          'Cannot relay a job: its record is unreadable',
        );
        continue;
      }
      if (!job) {
        await store.untrack(jobId);
        continue;
      }
      await store.ensureGroup(jobId);
      await store.claimPending(jobId, this.options.instanceId);
      this.#owned.set(jobId, {
        deadlineAt: job.deadlineAt,
        replay: true,
        retryAt: 0,
        failures: 0,
        deadlineReported: false,
      });
      this.options.logger.info({ jobId }, 'Relaying job');
    }
    this.options.metrics.jobsActive = this.#owned.size;
  }

  #madeProgress(): void {
    this.#progressAt = this.#now();
    if (this.#stallReported) this.options.logger.info('Relay loop is moving again');
    this.#stallReported = false;
  }

  async #renewLeases(): Promise<void> {
    const { store, instanceId, logger } = this.options;
    if (this.#now() - this.#progressAt > this.#stallMs) {
      if (!this.#stallReported)
        logger.warn(
          { stalledMs: this.#now() - this.#progressAt, jobs: [...this.#owned.keys()] },
          'Relay loop is stuck; no longer renewing its leases so another replica takes its jobs',
        );
      this.#stallReported = true;
      return;
    }
    for (const jobId of this.#owned.keys()) {
      try {
        if (!(await store.acquireLease(jobId, instanceId, this.#leaseMs)))
          this.#owned.delete(jobId);
      } catch (error) {
        logger.debug({ err: error, jobId }, 'Lease renewal failed');
      }
    }
  }

  async #checkDeadlines(): Promise<void> {
    const now = this.#now();
    for (const [jobId, owned] of this.#owned) {
      if (owned.deadlineReported || now < owned.deadlineAt) continue;
      // Marked only once reported, so a failed report is tried again on the next round.
      try {
        await this.options.onDeadline({ jobId, deadlineAt: owned.deadlineAt });
        owned.deadlineReported = true;
      } catch (error) {
        this.options.metrics.relayErrors += 1;
        this.options.logger.warn({ err: error, jobId }, 'Could not end an expired job; retrying');
      }
    }
  }

  /** Heartbeat checks run beside the loop: a slow check must not delay relaying. */
  #supervise(): void {
    const { superviseJob, logger } = this.options;
    const now = this.#now();
    if (!superviseJob || this.#supervising || now - this.#supervisedAt < this.#blockMs) return;
    this.#supervisedAt = now;
    const jobIds = [...this.#owned.keys()];
    this.#supervising = Promise.all(
      jobIds.map((jobId) =>
        superviseJob(jobId).catch((error: unknown) =>
          logger.warn({ err: error, jobId }, 'Supervising a job failed; trying again'),
        ),
      ),
    ).then(() => {
      this.#supervising = undefined;
    });
  }

  async #replayPending(): Promise<void> {
    const now = this.#now();
    const due = [...this.#owned].filter(([, owned]) => owned.replay && owned.retryAt <= now);
    await Promise.all(
      due.map(async ([jobId, owned]) => {
        const entries = await this.options.store.readPending(
          jobId,
          this.options.instanceId,
          this.#batch,
        );
        if (entries.length === 0) {
          owned.replay = false;
          return;
        }
        await this.#deliver(jobId, owned, entries, entries.length === this.#batch);
      }),
    );
  }

  async #readNew(): Promise<void> {
    const now = this.#now();
    const ready = [...this.#owned]
      .filter(([, owned]) => !owned.replay && owned.retryAt <= now)
      .map(([jobId]) => jobId);
    if (ready.length === 0) {
      const soonest = Math.min(
        ...[...this.#owned.values()].map((owned) => owned.retryAt),
        now + this.#blockMs,
      );
      await this.#pause(Math.max(10, soonest - now));
      return;
    }
    this.#blocked = true;
    let reply: z.output<typeof StreamReply>;
    try {
      reply = StreamReply.parse(
        await this.options.blocking.call(
          'XREADGROUP',
          'GROUP',
          RELAY_GROUP,
          this.options.instanceId,
          'COUNT',
          String(this.#batch),
          'BLOCK',
          String(this.#blockMs),
          'STREAMS',
          ...ready.map((jobId) => jobOutStreamKey(jobId)),
          ...ready.map(() => '>'),
        ),
      );
    } finally {
      this.#blocked = false;
    }
    await Promise.all(
      (reply ?? []).map(async ([key, entries]: [string, RawEntry[]]) => {
        const jobId = key.split(':')[1] ?? '';
        const owned = this.#owned.get(jobId);
        if (!owned || entries.length === 0) return;
        await this.#deliver(jobId, owned, entries, false);
      }),
    );
  }

  /** Delivers a batch; any failure (Redis or chat) leaves the entries pending for a replay. */
  async #deliver(
    jobId: string,
    owned: OwnedJob,
    entries: RawEntry[],
    more: boolean,
  ): Promise<void> {
    let result: BatchResult;
    try {
      result = await this.options.delivery.deliverBatch(jobId, entries);
    } catch (error) {
      this.options.metrics.relayErrors += 1;
      this.options.logger.warn({ err: error, jobId }, 'Delivery failed; entries stay pending');
      result = 'retry';
    }
    this.#madeProgress();
    this.#settle(jobId, owned, result, more);
  }

  #settle(jobId: string, owned: OwnedJob, result: BatchResult, more: boolean): void {
    if (result === 'ended') {
      this.#owned.delete(jobId);
      return;
    }
    if (result === 'retry') {
      owned.failures += 1;
      owned.replay = true;
      owned.retryAt = this.#now() + Math.min(30_000, 500 * 2 ** Math.min(owned.failures, 6));
      return;
    }
    owned.failures = 0;
    owned.replay = more;
  }

  /** Waits `ms`, or less when woken. */
  #pause(ms: number): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeWaiter = done;
    }).then(() => {
      this.#wakeWaiter = undefined;
    });
  }
}
