import {
  decodeBusEntry,
  encodeBusEntryArgs,
  FINISHED_JOB_STREAM_TTL_SECONDS,
  JOB_STREAM_CAP,
  jobInStreamKey,
  jobOutStreamKey,
  toRedisUrl,
  type OutboundEntry,
} from '@agentsmith/contracts';
import { sleep, type Logger } from '@agentsmith/kit';
import { Redis } from 'ioredis';
import { matchChoice } from './console-reporter.js';
import { DetailThrottle } from './detail-throttle.js';
import { PhaseClock, type AgentPhase } from './phase-clock.js';
import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from './progress-reporter.js';

const BLOCK_MS = 2000;

export interface RedisProgressReporterOptions {
  /** `host:port` or `redis://…`. */
  redisUrl: string;
  jobId: string;
  logger: Logger;
  /** Called once when a `Cancel` entry arrives on `job:<id>:in`. */
  onCancel: (requestedBy: string | undefined) => void;
  /** The job's own Redis user (see {@link redisCredentialsFromEnv}); none for an open Redis. */
  credentials?: { username: string; password: string } | undefined;
  heartbeatMs?: number;
  detailIntervalMs?: number;
  now?: () => number;
  /** When the agent process started (default: this process's start). */
  startedAt?: number;
}

/**
 * Job mode: publishes the contract's entries to `job:<id>:out` (approximately capped) and reads
 * `job:<id>:in` with a blocking `XREAD` on its own connection for `Answer`s and `Cancel`.
 */
export class RedisProgressReporter implements ProgressReporter {
  readonly #redis: Redis;
  readonly #reader: Redis;
  readonly #options: RedisProgressReporterOptions;
  readonly #now: () => number;
  readonly #outKey: string;
  readonly #throttle: DetailThrottle;
  readonly #phases: PhaseClock;
  readonly #answers = new Map<string, string>();
  readonly #waiters = new Map<string, (content: string) => void>();
  #writes: Promise<void> = Promise.resolve();
  #heartbeat: NodeJS.Timeout | undefined;
  #readLoop: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #cancelled = false;

  private constructor(redis: Redis, options: RedisProgressReporterOptions) {
    this.#redis = redis;
    this.#reader = redis.duplicate();
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#outKey = jobOutStreamKey(options.jobId);
    this.#phases = new PhaseClock(options.startedAt ?? performance.timeOrigin, this.#now);
    this.#throttle = new DetailThrottle(options.detailIntervalMs ?? 1000, (text) =>
      this.#publish({ type: 'detail', text }),
    );
  }

  /** Connects (failing fast when Redis does not answer) and starts the heartbeat and the reader. */
  static async connect(options: RedisProgressReporterOptions): Promise<RedisProgressReporter> {
    const redis = new Redis(toRedisUrl(options.redisUrl), {
      maxRetriesPerRequest: 3,
      connectTimeout: 5000,
      lazyConnect: true,
      // The job's Redis user (from the environment, never the URL or argv) may not run INFO.
      ...(options.credentials ? { ...options.credentials, enableReadyCheck: false } : {}),
    });
    redis.on('error', (error) => options.logger.debug({ error }, 'redis connection error'));
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    const reporter = new RedisProgressReporter(redis, options);
    reporter.#reader.on('error', (error) => options.logger.debug({ error }, 'redis reader error'));
    reporter.#heartbeat = setInterval(
      () => void reporter.#publish({ type: 'heartbeat' }),
      options.heartbeatMs ?? 5000,
    ).unref();
    reporter.#readLoop = reporter.#readInbound();
    return reporter;
  }

  stepStarted(progress: StepProgress): Promise<void> {
    this.#throttle.flush();
    this.#phases.mark('firstProgress');
    return this.#publish({ type: 'progress', ...progress, phases: this.#phases.marks() });
  }

  stepEnded(end: StepEnd): Promise<void> {
    this.#throttle.flush();
    if (end.status === 'completed') this.#phases.stepCompleted(end.stepName);
    return this.#writes;
  }

  markPhase(phase: AgentPhase): void {
    this.#phases.mark(phase);
  }

  detail(text: string): void {
    this.#throttle.push(text);
  }

  async ask(question: QuestionRequest, signal: AbortSignal): Promise<string> {
    this.#throttle.flush();
    await this.#publish({ type: 'question', ...question });
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(question.timeoutSeconds * 1000)]);
    const content = await new Promise<string | undefined>((resolve) => {
      const early = this.#answers.get(question.questionId);
      if (early !== undefined) {
        resolve(early);
        return;
      }
      const finish = (value: string | undefined) => {
        this.#waiters.delete(question.questionId);
        timeout.removeEventListener('abort', onTimeout);
        resolve(value);
      };
      const onTimeout = () => finish(undefined);
      this.#waiters.set(question.questionId, finish);
      timeout.addEventListener('abort', onTimeout, { once: true });
    });
    signal.throwIfAborted();
    if (content === undefined) {
      this.detail(
        `No answer within ${question.timeoutSeconds}s; taking the default: ${question.defaultChoice}`,
      );
      return question.defaultChoice;
    }
    return matchChoice(content, question);
  }

  async done(summary: RunSummary): Promise<void> {
    this.#throttle.flush();
    this.#phases.mark('ended');
    await this.#publish({ type: 'done', ...summary, phases: this.#phases.marks() }, true);
  }

  async failed(failure: RunFailure): Promise<void> {
    this.#throttle.flush();
    this.#phases.mark('ended');
    await this.#publish({ type: 'error', ...failure, phases: this.#phases.marks() }, true);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#heartbeat) clearInterval(this.#heartbeat);
      this.#throttle.flush();
      await this.#writes;
      this.#reader.disconnect();
      await this.#readLoop;
      await this.#redis.quit().catch(() => this.#redis.disconnect());
    })();
    return this.#closing;
  }

  #publish(entry: DistributiveOmit<OutboundEntry, 'jobId' | 'at'>, final = false): Promise<void> {
    const full: OutboundEntry = { ...entry, jobId: this.#options.jobId, at: this.#now() };
    this.#writes = this.#writes.then(async () => {
      try {
        const args = encodeBusEntryArgs(full);
        // A job's own Redis user may only append; the dispatcher expires its finished streams.
        if (final && !this.#options.credentials) {
          await this.#redis
            .multi()
            .xadd(this.#outKey, ...JOB_STREAM_CAP, '*', ...args)
            // Expiring here too means a job nobody relays (a dispatcher gone) leaves nothing behind.
            .expire(this.#outKey, FINISHED_JOB_STREAM_TTL_SECONDS)
            .exec();
        } else {
          await this.#redis.xadd(this.#outKey, ...JOB_STREAM_CAP, '*', ...args);
        }
      } catch (error) {
        this.#options.logger.error({ error, type: full.type }, 'could not publish a job entry');
      }
    });
    return this.#writes;
  }

  async #readInbound(): Promise<void> {
    const key = jobInStreamKey(this.#options.jobId);
    let lastId = '0';
    while (!this.#closing) {
      let batch: [string, [string, string[]][]][] | null;
      try {
        batch = await this.#reader.xread('BLOCK', BLOCK_MS, 'STREAMS', key, lastId);
      } catch (error) {
        if (this.#closing) return;
        this.#options.logger.warn({ error }, 'reading the job input stream failed');
        await sleep(1000);
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          this.#handleInbound(fields);
        }
      }
    }
  }

  #handleInbound(fields: string[]): void {
    let entry;
    try {
      entry = decodeBusEntry(fields);
    } catch (error) {
      this.#options.logger.warn({ error }, 'ignored a malformed job input entry');
      return;
    }
    if (entry.type === 'cancel' && !this.#cancelled) {
      this.#cancelled = true;
      this.#options.onCancel(entry.requestedBy);
    } else if (entry.type === 'answer') {
      this.#answers.set(entry.questionId, entry.content);
      this.#waiters.get(entry.questionId)?.(entry.content);
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
