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

/** HSETNX of the question's flag, and the raise only when the flag was new: one raise per answer. */
const RAISE_ONCE = `
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'raisedMicroUsd', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`;

/** The requester's decisions on a job's budget, as the broker keeps them. */
export interface BudgetDecisions {
  /** Dollars "Continue" added to the job's cap. */
  raisedUsd: number;
  /** Set once the job was stopped (its requester said stop, or the question timed out). */
  stopped?: string;
}

/** `YYYY-MM-DD` of the UTC day `at` falls in: daily caps reset at midnight UTC. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
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

  #budgetKey(jobId: string): string {
    return `${this.prefix}job:${jobId}:budget`;
  }
  #dayKey(project: string, day: string): string {
    return `${this.prefix}project:${encodeURIComponent(project)}:day:${day}`;
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

  /**
   * Adds one call's usage to the job's ledger and, in the same transaction, its cost to the
   * project's spending of the day (`daily`); returns the job's new totals.
   */
  async record(
    jobId: string,
    entry: LedgerEntry,
    expiresAt: number,
    daily?: { project: string; at: number },
  ): Promise<JobLedger> {
    const key = this.#ledgerKey(jobId);
    const transaction = this.redis.multi();
    if (daily && entry.costUsd) {
      const dayKey = this.#dayKey(daily.project, utcDay(daily.at));
      transaction
        .incrby(dayKey, Math.round(entry.costUsd * MICRO))
        .pexpire(dayKey, 2 * LEDGER_RETENTION_MS);
    }
    await transaction
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

  /** The scope of the job's live token (the broker's view of its budget), or undefined. */
  async scopeOfJob(jobId: string): Promise<JobScope | undefined> {
    const hash = await this.redis.get(this.#jobTokenKey(jobId));
    const raw = hash === null ? null : await this.redis.get(this.#tokenKey(hash));
    if (raw === null) return undefined;
    const parsed = JobScope.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** What the requester decided about the job's budget: dollars added, or why it was stopped. */
  async budgetDecisions(jobId: string): Promise<BudgetDecisions> {
    const raw = await this.redis.hmget(this.#budgetKey(jobId), 'raisedMicroUsd', 'stopped');
    return {
      raisedUsd: (Number(raw[0] ?? 0) || 0) / MICRO,
      ...(raw[1] ? { stopped: raw[1] } : {}),
    };
  }

  /**
   * Adds `usd` to the job's cap once per question (a second click or a retried answer adds
   * nothing); false when this question already raised it.
   */
  async raiseBudget(
    jobId: string,
    questionId: string,
    usd: number,
    expiresAt: number,
  ): Promise<boolean> {
    const added = await this.redis.eval(
      RAISE_ONCE,
      1,
      this.#budgetKey(jobId),
      `raise:${questionId}`,
      String(Math.round(usd * MICRO)),
      String(expiresAt + LEDGER_RETENTION_MS),
    );
    return added === 1;
  }

  /** Refuses every further LLM call of the job, saying why. */
  async stopBudget(jobId: string, reason: string, expiresAt: number): Promise<void> {
    const key = this.#budgetKey(jobId);
    await this.redis
      .multi()
      .hset(key, 'stopped', reason)
      .pexpireat(key, expiresAt + LEDGER_RETENTION_MS)
      .exec();
  }

  /** What the project's jobs spent on the UTC day `at` falls in. */
  async dailySpent(project: string, at: number): Promise<number> {
    return (Number(await this.redis.get(this.#dayKey(project, utcDay(at)))) || 0) / MICRO;
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
