import {
  decodeBusEntry,
  encodeBusEntryArgs,
  FINISHED_JOB_STREAM_TTL_SECONDS,
  JOB_STREAM_CAP,
  JOB_STREAM_MAX_ENTRIES,
  isFinalEntry,
  jobInStreamKey,
  jobOutStreamKey,
  PhaseMarks,
  type Answer,
  type InboundEntry,
  type OutboundEntry,
} from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RELAY_GROUP, type DispatcherKeys } from './job-keys.js';
import type { QuestionRecord, RawEntry, RelayJobStore, TrackedJob } from './job-store.js';

const DAY_MS = 86_400_000;

const PATCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/**
 * Claims a pending question and writes the Answer entry (ARGV[4..]) to `job:<id>:in` at once.
 * XADD comes first: Redis does not roll a script back, and a failed XADD must leave it pending.
 */
const CLAIM_QUESTION = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return nil end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
redis.call('HSET', KEYS[1], 'status', 'answered', 'answer', ARGV[1], 'answeredBy', ARGV[2])
return redis.call('HGETALL', KEYS[1])
`;

/**
 * Records delivery and acknowledges in one step: HSET of ARGV[3 .. 2+ARGV[2]] on the job (the
 * cursor and what the entries changed; skipped once the job is untracked), then XACK of the ids
 * that follow, in group ARGV[1].
 */
const MARK_DELIVERED = `
local fields = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + fields))
end
return redis.call('XACK', KEYS[2], ARGV[1], unpack(ARGV, 3 + fields))
`;

const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

/** A tracked job's hash: every field JSON-encoded (see {@link encodeFields}). */
const TrackedJobRecord = z.object({
  jobId: z.string(),
  platform: z.string(),
  channelId: z.string(),
  threadTs: z.string().optional(),
  statusTs: z.string().optional(),
  project: z.string(),
  ticketId: z.string(),
  requestedBy: z.string().optional(),
  startedAt: z.number(),
  deadlineAt: z.number(),
  step: z.number().optional(),
  total: z.number().optional(),
  label: z.string().optional(),
  costUsd: z.number().optional(),
  cancelledBy: z.string().optional(),
  phases: PhaseMarks.optional(),
  agentPhases: PhaseMarks.optional(),
  silenceNoticeAt: z.number().optional(),
  silenceNoticeTs: z.string().optional(),
  keepWaitingAt: z.number().optional(),
  silenceEndedAt: z.number().optional(),
}) satisfies z.ZodType<TrackedJob>;

/** A question's hash: plain string fields. */
const QuestionHash = z.object({
  jobId: z.string(),
  questionId: z.string(),
  text: z.string(),
  channelId: z.string(),
  ts: z.string(),
  status: z.enum(['pending', 'answered']),
  answer: z.string().optional(),
  answeredBy: z.string().optional(),
  kind: z.literal('budget').optional(),
  answerBy: z.coerce.number().int().optional(),
}) satisfies z.ZodType<QuestionRecord>;

/** `XREADGROUP` / `XRANGE` replies: `[key, [[id, [field, value, …]], …]]`. */
const StreamEntries = z.array(z.tuple([z.string(), z.array(z.string())]));
const StreamReply = z.array(z.tuple([z.string(), StreamEntries])).nullable();
const AutoClaimReply = z.tuple([z.string()]).rest(z.unknown());
const StreamId = z.string().regex(/^\d+-\d+$/, 'not a stream id (<ms>-<seq>)');

/** Validates what Redis returned; a record that does not match is refused, naming the key. */
function validated<T>(schema: z.ZodType<T>, value: unknown, key: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`,
  );
  throw new AppError(
    'protocol_entry_malformed',
    `Redis key ${key} does not hold what the dispatcher wrote (${problems.join('; ')})`,
    { retryable: false, details: { key, problems } },
  );
}

function encodeFields(fields: Partial<TrackedJob>): string[] {
  return Object.entries(fields).flatMap(([name, value]) =>
    value === undefined ? [] : [name, JSON.stringify(value)],
  );
}

function pairs(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2)
    record[flat[index] as string] = flat[index + 1] as string;
  return record;
}

/** {@link RelayJobStore} on Redis: the job store plus the relay's bookkeeping. */
export class RedisJobStore implements RelayJobStore {
  readonly jobsChangedChannel: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: DispatcherKeys,
  ) {
    this.jobsChangedChannel = keys.jobsChanged;
  }

  async track(job: TrackedJob): Promise<void> {
    await this.ensureGroup(job.jobId);
    const key = this.keys.job(job.jobId);
    await this.redis
      .multi()
      .hset(key, ...encodeFields(job))
      .pexpireat(key, job.deadlineAt + DAY_MS)
      .sadd(this.keys.activeJobs, job.jobId)
      .publish(this.keys.jobsChanged, job.jobId)
      .exec();
  }

  async untrack(jobId: string): Promise<void> {
    await this.redis
      .multi()
      .srem(this.keys.activeJobs, jobId)
      .del(this.keys.job(jobId), this.keys.owner(jobId))
      .expire(jobOutStreamKey(jobId), FINISHED_JOB_STREAM_TTL_SECONDS)
      .expire(jobInStreamKey(jobId), FINISHED_JOB_STREAM_TTL_SECONDS)
      .publish(this.keys.jobsChanged, jobId)
      .exec();
  }

  async get(jobId: string): Promise<TrackedJob | null> {
    const key = this.keys.job(jobId);
    return this.#record(key, await this.redis.hgetall(key));
  }

  async relayState(jobId: string): Promise<{ job: TrackedJob | null; delivered: string }> {
    const key = this.keys.job(jobId);
    const raw = await this.redis.hgetall(key);
    const cursor = raw['delivered'];
    return {
      job: this.#record(key, raw),
      delivered: cursor === undefined ? '0-0' : validated(StreamId, cursor, key),
    };
  }

  #record(key: string, raw: Record<string, string>): TrackedJob | null {
    if (!raw['jobId']) return null;
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      if (name === 'delivered') continue;
      try {
        fields[name] = JSON.parse(value);
      } catch {
        fields[name] = value;
      }
    }
    return validated(TrackedJobRecord, fields, key);
  }

  async patch(jobId: string, fields: Partial<TrackedJob>): Promise<void> {
    const values = encodeFields(fields);
    if (values.length > 0) await this.redis.eval(PATCH, 1, this.keys.job(jobId), ...values);
  }

  writeToAgent(entry: InboundEntry): Promise<void> {
    return this.#append(jobInStreamKey(entry.jobId), entry);
  }

  writeAsAgent(entry: OutboundEntry): Promise<void> {
    return this.#append(jobOutStreamKey(entry.jobId), entry);
  }

  async #append(key: string, entry: InboundEntry | OutboundEntry): Promise<void> {
    await this.redis.xadd(key, ...JOB_STREAM_CAP, '*', ...encodeBusEntryArgs(entry));
  }

  async saveQuestion(question: QuestionRecord): Promise<void> {
    const key = this.keys.question(question.jobId, question.questionId);
    const fields = Object.entries(question).flatMap(([name, value]) =>
      value === undefined ? [] : [name, String(value)],
    );
    await this.redis
      .multi()
      .hset(key, ...fields)
      .expire(key, 2 * 86_400)
      .exec();
  }

  async claimQuestion(answer: Answer): Promise<QuestionRecord | null> {
    const key = this.keys.question(answer.jobId, answer.questionId);
    const flat = await this.redis.eval(
      CLAIM_QUESTION,
      2,
      key,
      jobInStreamKey(answer.jobId),
      answer.content,
      answer.answeredBy ?? '',
      String(JOB_STREAM_MAX_ENTRIES),
      ...encodeBusEntryArgs(answer),
    );
    if (flat === null) return null;
    return validated(QuestionHash, pairs(validated(z.array(z.string()), flat, key)), key);
  }

  async question(jobId: string, questionId: string): Promise<QuestionRecord | null> {
    const key = this.keys.question(jobId, questionId);
    const fields = await this.redis.hgetall(key);
    if (Object.keys(fields).length === 0) return null;
    return validated(QuestionHash, fields, key);
  }

  async hasFinalEntry(jobId: string): Promise<boolean> {
    const key = jobOutStreamKey(jobId);
    const entries = validated(
      StreamEntries,
      await this.redis.xrevrange(key, '+', '-', 'COUNT', 20),
      key,
    );
    return entries.some(([, fields]) => {
      try {
        return isFinalEntry(decodeBusEntry(fields));
      } catch {
        return false;
      }
    });
  }

  /** Ids of every tracked job (all replicas). */
  activeJobIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.activeJobs);
  }

  /** Takes or renews this replica's lease on relaying a job; false when another replica holds it. */
  async acquireLease(jobId: string, instanceId: string, leaseMs: number): Promise<boolean> {
    return (
      (await this.redis.eval(LEASE, 1, this.keys.owner(jobId), instanceId, String(leaseMs))) === 1
    );
  }

  async acquireLeases(jobIds: string[], instanceId: string, leaseMs: number): Promise<boolean[]> {
    if (jobIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const jobId of jobIds)
      pipeline.eval(LEASE, 1, this.keys.owner(jobId), instanceId, String(leaseMs));
    const replies = (await pipeline.exec()) ?? [];
    return jobIds.map((_, index) => {
      const [error, value] = replies[index] ?? [new Error('no reply')];
      if (error) throw error;
      return value === 1;
    });
  }

  /** Creates the consumer group (and the stream) if missing. */
  async ensureGroup(jobId: string): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', jobOutStreamKey(jobId), RELAY_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
  }

  /** Moves entries another (dead or previous) consumer read but never acknowledged to `consumer`. */
  async claimPending(jobId: string, consumer: string): Promise<void> {
    let cursor = '0-0';
    do {
      const reply = await this.redis.call(
        'XAUTOCLAIM',
        jobOutStreamKey(jobId),
        RELAY_GROUP,
        consumer,
        '0',
        cursor,
        'COUNT',
        '500',
      );
      cursor = validated(AutoClaimReply, reply, jobOutStreamKey(jobId))[0];
    } while (cursor !== '0-0');
  }

  /** Entries delivered to `consumer` and not yet acknowledged, oldest first. */
  async readPending(jobId: string, consumer: string, count: number): Promise<RawEntry[]> {
    const reply = await this.redis.call(
      'XREADGROUP',
      'GROUP',
      RELAY_GROUP,
      consumer,
      'COUNT',
      String(count),
      'STREAMS',
      jobOutStreamKey(jobId),
      '0',
    );
    return validated(StreamReply, reply, jobOutStreamKey(jobId))?.[0]?.[1] ?? [];
  }

  /** The id of the last entry that reached the chat ("0-0" when none). */
  async delivered(jobId: string): Promise<string> {
    const key = this.keys.job(jobId);
    const delivered = await this.redis.hget(key, 'delivered');
    return delivered === null ? '0-0' : validated(StreamId, delivered, key);
  }

  /** Records that entries up to `id` reached the chat, without acknowledging them yet. */
  async markDeliveredCursorOnly(jobId: string, id: string): Promise<void> {
    await this.redis.eval(PATCH, 1, this.keys.job(jobId), 'delivered', id);
  }

  /** Records delivery (and the fields the entries changed) and acknowledges, in one transaction. */
  async markDelivered(
    jobId: string,
    ids: string[],
    fields: Partial<TrackedJob> = {},
  ): Promise<void> {
    const last = ids[ids.length - 1];
    if (!last) return;
    const values = [...encodeFields(fields), 'delivered', last];
    await this.redis.eval(
      MARK_DELIVERED,
      2,
      this.keys.job(jobId),
      jobOutStreamKey(jobId),
      RELAY_GROUP,
      String(values.length),
      ...values,
      ...ids,
    );
  }

  /** The replica holding a job's lease, or null (read only: renewing stays the relay's business). */
  leaseHolder(jobId: string): Promise<string | null> {
    return this.redis.get(this.keys.owner(jobId));
  }

  async silenceMs(jobId: string): Promise<number | undefined> {
    const replies = await this.redis
      .multi()
      .time()
      .xrevrange(jobOutStreamKey(jobId), '+', '-', 'COUNT', 1)
      .exec();
    const [time, last] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const [seconds, micros] = z.tuple([z.coerce.number(), z.coerce.number()]).parse(time);
    const lastId = z.array(z.tuple([z.string(), z.unknown()])).parse(last)[0]?.[0];
    if (lastId === undefined) return undefined;
    const writtenAt = Number(validated(StreamId, lastId, jobOutStreamKey(jobId)).split('-')[0]);
    return Math.max(0, seconds * 1000 + Math.floor(micros / 1000) - writtenAt);
  }
}
