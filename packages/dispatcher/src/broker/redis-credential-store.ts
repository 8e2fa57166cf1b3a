import type { Redis } from 'ioredis';

/** The dispatcher's command connection, as the broker uses it. */
export type RedisConnection = Redis;
import { hashJobToken, looksLikeEgressToken, looksLikeJobToken } from './job-token.js';
import { JobScope, type JobLedger } from './job-scope.js';

/** How long a job's ledger outlives its deadline (the final card reads it). */
const LEDGER_RETENTION_MS = 24 * 60 * 60_000;

const MICRO = 1_000_000;

/** What a job's egress token opens: the forward proxy, to its project's `egress.allow`. */
export interface EgressGrant {
  jobId: string;
  project: string;
  /** Epoch ms: the job's deadline. */
  expiresAt: number;
}

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
  #egressKey(hash: string): string {
    return `${this.prefix}egress:${hash}`;
  }
  #jobEgressKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:egress`;
  }
  #refusedKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:egress-refused`;
  }

  /** Stores the job's egress token until its deadline. */
  async saveEgress(token: string, grant: EgressGrant): Promise<void> {
    const hash = hashJobToken(token);
    await this.redis
      .multi()
      .set(this.#egressKey(hash), JSON.stringify(grant), 'PXAT', grant.expiresAt)
      .set(this.#jobEgressKey(grant.jobId), hash, 'PXAT', grant.expiresAt)
      .exec();
  }

  /** The grant of a live egress token, or undefined (unknown, revoked, expired or malformed). */
  async resolveEgress(token: string): Promise<EgressGrant | undefined> {
    if (!looksLikeEgressToken(token)) return undefined;
    const raw = await this.redis.get(this.#egressKey(hashJobToken(token)));
    if (raw === null) return undefined;
    const grant = JSON.parse(raw) as EgressGrant;
    return grant.expiresAt > this.now() ? grant : undefined;
  }

  /**
   * True the first time `rule` is refused for the job, false ever after (one atomic SADD, so two
   * replicas or two parallel connections never both report it).
   */
  async firstEgressRefusal(jobId: string, rule: string, expiresAt: number): Promise<boolean> {
    const key = this.#refusedKey(jobId);
    const [[, added] = []] =
      (await this.redis.multi().sadd(key, rule).pexpireat(key, expiresAt).exec()) ?? [];
    return added === 1;
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

  /** Makes the job's tokens (job and egress) worthless at once. Idempotent. */
  async revoke(jobId: string): Promise<void> {
    const [hash, egressHash] = await this.redis.mget(
      this.#jobTokenKey(jobId),
      this.#jobEgressKey(jobId),
    );
    const keys = [
      this.#jobTokenKey(jobId),
      this.#jobEgressKey(jobId),
      ...(hash ? [this.#tokenKey(hash)] : []),
      ...(egressHash ? [this.#egressKey(egressHash)] : []),
    ];
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
