import type { Redis } from 'ioredis';

/** The dispatcher's command connection, as the broker uses it. */
export type RedisConnection = Redis;
import { hashJobToken, looksLikeJobToken } from './job-token.js';
import { JobScope, type JobLedger } from './job-scope.js';

/** How long a job's ledger outlives its deadline (the final card reads it). */
const LEDGER_RETENTION_MS = 24 * 60 * 60_000;

const MICRO = 1_000_000;

/** The usage of one LLM call, added to a job's ledger. */
export interface LedgerEntry {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** Undefined when the model has no price. */
  costUsd: number | undefined;
}

/**
 * Job tokens and ledgers in Redis. A token is stored only as its SHA-256, mapped to the job's
 * scope and expiring at the job's deadline; the job keeps a pointer to its hash so ending the job
 * revokes it. Ledgers are hashes of integer counters (cost in micro-dollars), so concurrent
 * calls add up without a read-modify-write race.
 */
export class RedisCredentialStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'broker:',
    private readonly now: () => number = Date.now,
  ) {}

  #tokenKey(hash: string): string {
    return `${this.prefix}token:${hash}`;
  }
  #jobTokenKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:token`;
  }
  #ledgerKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:ledger`;
  }

  /** Stores `token`'s scope until `scope.expiresAt`. */
  async save(token: string, scope: JobScope): Promise<void> {
    const hash = hashJobToken(token);
    await this.redis
      .multi()
      .set(this.#tokenKey(hash), JSON.stringify(scope), 'PXAT', scope.expiresAt)
      .set(this.#jobTokenKey(scope.jobId), hash, 'PXAT', scope.expiresAt)
      .exec();
  }

  /** The scope of a live token, or undefined (unknown, revoked, expired or malformed). */
  async resolve(token: string): Promise<JobScope | undefined> {
    if (!looksLikeJobToken(token)) return undefined;
    const raw = await this.redis.get(this.#tokenKey(hashJobToken(token)));
    if (raw === null) return undefined;
    const parsed = JobScope.safeParse(JSON.parse(raw));
    if (!parsed.success || parsed.data.expiresAt <= this.now()) return undefined;
    return parsed.data;
  }

  /** Makes the job's token worthless at once. Idempotent. */
  async revoke(jobId: string): Promise<void> {
    const hash = await this.redis.get(this.#jobTokenKey(jobId));
    const keys = [this.#jobTokenKey(jobId), ...(hash ? [this.#tokenKey(hash)] : [])];
    await this.redis.del(...keys);
  }

  /** Adds one call's usage to the job's ledger and returns the new totals. */
  async record(jobId: string, entry: LedgerEntry, expiresAt: number): Promise<JobLedger> {
    const key = this.#ledgerKey(jobId);
    await this.redis
      .multi()
      .hincrby(key, 'calls', 1)
      .hincrby(key, 'inputTokens', entry.inputTokens)
      .hincrby(key, 'outputTokens', entry.outputTokens)
      .hincrby(key, 'cacheReadTokens', entry.cacheReadTokens)
      .hincrby(key, 'costMicroUsd', Math.round((entry.costUsd ?? 0) * MICRO))
      .hincrby(key, 'unpricedCalls', entry.costUsd === undefined ? 1 : 0)
      .pexpireat(key, expiresAt + LEDGER_RETENTION_MS)
      .exec();
    return this.ledger(jobId);
  }

  /** The job's spending so far (zero for a job that made no call). */
  async ledger(jobId: string): Promise<JobLedger> {
    const raw = await this.redis.hgetall(this.#ledgerKey(jobId));
    const number = (field: string) => Number(raw[field] ?? 0) || 0;
    return {
      calls: number('calls'),
      inputTokens: number('inputTokens'),
      outputTokens: number('outputTokens'),
      cacheReadTokens: number('cacheReadTokens'),
      costUsd: number('costMicroUsd') / MICRO,
      unpricedCalls: number('unpricedCalls'),
    };
  }
}
