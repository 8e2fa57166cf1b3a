import { jobOutStreamKey } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RELAY_GROUP } from '../jobs/job-keys.js';
import type { RawEntry, RelayJobStore, TrackedJob } from '../jobs/job-store.js';
import type { Metrics } from '../server/metrics.js';
import type { BatchResult, EntryDelivery, QueuedEntry } from './entry-delivery.js';

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
  /** Entries read and not yet delivered, oldest first (all still pending in the group). */
  queue: QueuedEntry[];
  /** The job's delivery, while it runs: one per job, so its entries keep their order. */
  worker: Promise<void> | undefined;
  /** When the delivery in progress began (undefined while idle): a stuck one gives the job up. */
  busySince: number | undefined;
  /** Left out of the read in progress (replaying, backing off, queue full or stuck). */
  leftOut: boolean;
}

/** A job's read entries waiting for its thread beyond this many are left in the stream for now. */
const QUEUE_LIMIT_BATCHES = 4;

/** What a blocking `XREADGROUP` answers: `[[key, [[id, [field, value, …]], …]], …]` or nil. */
const StreamReply = z
  .array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.array(z.string())]))]))
  .nullable();

/**
 * Relays every active job's `job:<id>:out` to the chat through a consumer group. Each job is
 * relayed by one replica at a time (a renewed lease), so entries keep their order; a replica that
 * takes a job over (or restarts) claims the pending entries and replays them first, and the
 * delivery cursor skips what already reached the chat. One blocking `XREADGROUP` reads every job's
 * stream; nothing polls. Each job's entries then go to the chat from a queue of their own, so a job
 * waiting for its thread's next update (or for a slow chat call) never holds up the others, and
 * what it reads meanwhile joins that update.
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
  /** Set by a "jobs changed" notification: look at the active set again before the next read. */
  #jobsChanged = true;
  #refreshedAt = Number.NEGATIVE_INFINITY;

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
    this.#jobsChanged = true;
    this.#interrupt();
  }

  /** Ends the blocking read (or the pause) early, so the loop reconsiders which streams to read. */
  #interrupt(): void {
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
      this.#interrupt();
      await this.#loop;
      await this.#supervising;
      await Promise.all([...this.#owned.values()].flatMap((owned) => owned.worker ?? []));
    })();
    return this.#closed;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closing) {
      try {
        this.#madeProgress();
        if (this.#jobsChanged || this.#now() - this.#refreshedAt >= this.#blockMs)
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
    this.#jobsChanged = false;
    this.#refreshedAt = this.#now();
    const active = new Set(await store.activeJobIds());
    for (const jobId of this.#owned.keys()) if (!active.has(jobId)) this.#owned.delete(jobId);
    // A job stuck in a delivery is not renewed, so another replica takes it (see #renewLeases).
    const candidates = [...active].filter((jobId) => !this.#stuck(this.#owned.get(jobId)));
    const held = await store.acquireLeases(candidates, instanceId, this.#leaseMs);
    for (const [index, jobId] of candidates.entries()) {
      if (!held[index]) {
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
        queue: [],
        worker: undefined,
        busySince: undefined,
        leftOut: true,
      });
      this.options.logger.info({ jobId }, 'Relaying job');
    }
    this.options.metrics.jobsActive = this.#owned.size;
  }

  /** Whether the job's delivery has been in one call for longer than the stall limit. */
  #stuck(owned: OwnedJob | undefined): boolean {
    return owned?.busySince !== undefined && this.#now() - owned.busySince > this.#stallMs;
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
    const renewed = [...this.#owned].filter(([, owned]) => !this.#stuck(owned));
    try {
      const held = await store.acquireLeases(
        renewed.map(([jobId]) => jobId),
        instanceId,
        this.#leaseMs,
      );
      for (const [index, [jobId, owned]] of renewed.entries())
        if (!held[index] && this.#owned.get(jobId) === owned) this.#owned.delete(jobId);
    } catch (error) {
      logger.debug({ err: error }, 'Lease renewal failed');
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
    const due = [...this.#owned].filter(
      ([, owned]) =>
        owned.replay && owned.retryAt <= now && !owned.worker && owned.queue.length === 0,
    );
    await Promise.all(
      due.map(async ([jobId, owned]) => {
        const entries = await this.options.store.readPending(
          jobId,
          this.options.instanceId,
          this.#batch,
        );
        // Read again once these are delivered (acknowledged): there may be more behind them.
        owned.replay = entries.length === this.#batch;
        this.#enqueue(jobId, owned, entries);
      }),
    );
  }

  async #readNew(): Promise<void> {
    const now = this.#now();
    const limit = QUEUE_LIMIT_BATCHES * this.#batch;
    const ready: string[] = [];
    for (const [jobId, owned] of this.#owned) {
      owned.leftOut =
        owned.replay || owned.retryAt > now || owned.queue.length >= limit || this.#stuck(owned);
      if (!owned.leftOut) ready.push(jobId);
    }
    const soonest = Math.min(
      ...[...this.#owned.values()].flatMap((owned) =>
        owned.retryAt > now || (owned.replay && !owned.worker) ? [owned.retryAt] : [],
      ),
      now + this.#blockMs,
    );
    if (ready.length === 0) {
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
          String(Math.max(10, soonest - now)),
          'STREAMS',
          ...ready.map((jobId) => jobOutStreamKey(jobId)),
          ...ready.map(() => '>'),
        ),
      );
    } finally {
      this.#blocked = false;
    }
    for (const [key, entries] of reply ?? []) {
      const jobId = key.split(':')[1] ?? '';
      const owned = this.#owned.get(jobId);
      if (owned) this.#enqueue(jobId, owned, entries);
    }
  }

  /** Queues read entries for the job's delivery, and starts it unless it runs. */
  #enqueue(jobId: string, owned: OwnedJob, entries: RawEntry[]): void {
    if (entries.length === 0) return;
    owned.queue.push(...this.options.delivery.decode(jobId, entries));
    owned.worker ??= this.#work(jobId, owned).finally(() => {
      owned.worker = undefined;
      // A job the read in progress leaves out (a replay, a retry, a full queue) needs a new read.
      if (owned.leftOut || owned.replay) this.#interrupt();
    });
  }

  /** Delivers the job's queue group by group; any failure leaves the entries pending for a replay. */
  async #work(jobId: string, owned: OwnedJob): Promise<void> {
    const { delivery, logger, metrics } = this.options;
    while (owned.queue.length > 0 && !this.#closing && this.#owned.get(jobId) === owned) {
      const started = this.#now();
      owned.busySince = started;
      let result: BatchResult;
      try {
        result = await delivery.deliverNext(jobId, owned.queue);
      } catch (error) {
        metrics.relayErrors += 1;
        logger.warn({ err: error, jobId }, 'Delivery failed; entries stay pending');
        result = 'retry';
      } finally {
        owned.busySince = undefined;
      }
      if (result === 'ended') {
        if (this.#owned.get(jobId) === owned) this.#owned.delete(jobId);
        return;
      }
      if (result === 'retry') {
        owned.failures += 1;
        owned.retryAt = this.#now() + Math.min(30_000, 500 * 2 ** Math.min(owned.failures, 6));
      } else owned.failures = 0;
      if (result === 'retry' || this.#now() - started > this.#stallMs) {
        // What was read stays pending: it is read again (if the job is still ours) in order.
        owned.queue.length = 0;
        owned.replay = true;
        return;
      }
    }
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
