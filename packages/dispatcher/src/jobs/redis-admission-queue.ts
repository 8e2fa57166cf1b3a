import { conversationKey, jobIndexKey, type ConversationState } from '@agentsmith/contracts';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type {
  AdmissionLimits,
  AdmissionOutcome,
  AdmissionQueue,
  AdmissionRequest,
  JobHolder,
  ReleaseOutcome,
} from './admission-queue.js';
import type { DispatcherKeys } from './job-keys.js';

/*
 * Every script gets the same KEYS (queue, slots, users, projects, stopping) and ARGV[1..7]
 * (request key prefix, now, JOB_MAX_DURATION in ms, lock TTL in ms, the three caps), then its own
 * arguments. The per-job keys (channel lock, reverse index, ticket, channel-next) travel inside
 * the stored request, so one script run sees and changes everything atomically; this assumes one
 * Redis, not a cluster.
 */
const PRELUDE = `
local QUEUE, SLOTS, USERS, PROJECTS, STOPPING = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local REQUEST, NOW, MAX_MS, TTL = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local TOTAL, PER_USER, PER_PROJECT = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])

local function count(hash, field)
  return tonumber(redis.call('HGET', hash, field) or '0')
end

local function decode(raw)
  if not raw then return nil end
  local ok, value = pcall(cjson.decode, raw)
  if ok and type(value) == 'table' then return value end
  return nil
end

local function admitted(jobId)
  return redis.call('HEXISTS', SLOTS, jobId) == 1
end

-- The job holding a channel lock, if that job still holds a slot (a stale lock does not count).
local function channel_holder(key)
  local state = decode(redis.call('GET', key))
  if state and state.jobId and admitted(state.jobId) then return state end
  return nil
end

local function holder_of_slot(jobId)
  local slot = decode(redis.call('HGET', SLOTS, jobId))
  if not slot then return nil end
  local status = 'running'
  if redis.call('ZSCORE', STOPPING, jobId) then status = 'stopping' end
  return { jobId = jobId, channelId = slot.channelId, threadTs = slot.threadTs,
    project = slot.project, ticketId = slot.ticketId, status = status }
end

local function holder_of_request(jobId)
  local request = decode(redis.call('GET', REQUEST .. jobId))
  if not request then return nil end
  return { jobId = jobId, channelId = request.channelId, threadTs = request.threadTs,
    project = request.project, ticketId = request.ticketId, status = 'queued' }
end

local function fits(request)
  if type(request.waitFor) == 'table' then
    for _, other in ipairs(request.waitFor) do
      if admitted(other) then return false end
    end
  end
  if count(USERS, request.requestedBy) >= PER_USER then return false end
  if count(PROJECTS, request.project) >= (tonumber(request.projectCap) or PER_PROJECT) then
    return false
  end
  local holder = channel_holder(request.conversationKey)
  return holder == nil or holder.jobId == request.jobId
end

local function admit(jobId, request)
  redis.call('LREM', QUEUE, 1, jobId)
  redis.call('DEL', REQUEST .. jobId)
  redis.call('HSET', SLOTS, jobId, cjson.encode({
    requestedBy = request.requestedBy, project = request.project, ticketId = request.ticketId,
    channelId = request.channelId, threadTs = request.threadTs,
    conversationKey = request.conversationKey, indexKey = request.indexKey,
    ticketKey = request.ticketKey, admittedAt = NOW }))
  redis.call('HINCRBY', USERS, request.requestedBy, 1)
  redis.call('HINCRBY', PROJECTS, request.project, 1)
  local state = request.conversation
  state.startedAt = NOW
  state.deadlineAt = NOW + MAX_MS
  redis.call('SET', request.conversationKey, cjson.encode(state), 'PX', TTL)
  redis.call('SET', request.indexKey, request.conversationKey, 'PX', TTL)
  if redis.call('GET', request.nextKey) == jobId then redis.call('DEL', request.nextKey) end
  redis.call('SET', request.ticketKey, jobId)
  request.startedAt = NOW
  request.deadlineAt = NOW + MAX_MS
  request.conversation = nil
  request.waitFor = nil
  return cjson.encode(request)
end

-- Claims, oldest first, every queued job that fits now. Only the run that claims a job returns
-- it, so exactly one replica starts it.
local function admit_waiting()
  local started = {}
  for _, jobId in ipairs(redis.call('LRANGE', QUEUE, 0, -1)) do
    if redis.call('HLEN', SLOTS) >= TOTAL then break end
    local request = decode(redis.call('GET', REQUEST .. jobId))
    if not request then
      redis.call('LREM', QUEUE, 1, jobId)
    elseif fits(request) then
      table.insert(started, admit(jobId, request))
    end
  end
  return started
end

local function decrement(hash, field)
  if redis.call('HINCRBY', hash, field, -1) <= 0 then redis.call('HDEL', hash, field) end
end
`;

const REQUEST = `${PRELUDE}
local request = cjson.decode(ARGV[8])
local jobId = request.jobId
local waitFor = {}
local behind = nil

local next = redis.call('GET', request.nextKey)
local queued = next and holder_of_request(next)
if queued then return cjson.encode({ kind = 'channel-busy', holder = queued }) end
local channel = channel_holder(request.conversationKey)
if channel then
  local holder = holder_of_slot(channel.jobId)
  if holder.status ~= 'stopping' then
    return cjson.encode({ kind = 'channel-busy', holder = holder })
  end
  table.insert(waitFor, channel.jobId)
  behind = holder
end

local ticketHolder = redis.call('GET', request.ticketKey)
if ticketHolder and ticketHolder ~= (channel and channel.jobId) then
  local holder = holder_of_slot(ticketHolder) or holder_of_request(ticketHolder)
  if holder and holder.status ~= 'stopping' then
    return cjson.encode({ kind = 'ticket-busy', holder = holder })
  end
  if holder then
    table.insert(waitFor, ticketHolder)
    behind = behind or holder
  end
end

request.waitFor = waitFor
redis.call('SET', REQUEST .. jobId, cjson.encode(request))
redis.call('RPUSH', QUEUE, jobId)
redis.call('SET', request.nextKey, jobId)
redis.call('SET', request.ticketKey, jobId)
local started = admit_waiting()
local position = redis.call('LPOS', QUEUE, jobId)
if not position then return cjson.encode({ kind = 'admitted', started = started }) end
return cjson.encode({ kind = 'queued', position = position + 1, length = redis.call('LLEN', QUEUE),
  behind = behind, started = started })
`;

const RELEASE = `${PRELUDE}
local jobId, keepIfStopping = ARGV[8], ARGV[9] == '1'
local stopping = redis.call('ZSCORE', STOPPING, jobId)
if keepIfStopping and stopping then return cjson.encode({ was = 'stopping', started = {} }) end
local was = 'none'
local slot = decode(redis.call('HGET', SLOTS, jobId))
if slot then
  was = 'running'
  redis.call('HDEL', SLOTS, jobId)
  decrement(USERS, slot.requestedBy)
  decrement(PROJECTS, slot.project)
  local state = decode(redis.call('GET', slot.conversationKey))
  if state and state.jobId == jobId then
    redis.call('DEL', slot.conversationKey)
  end
  if redis.call('GET', slot.indexKey) == slot.conversationKey then redis.call('DEL', slot.indexKey) end
  if redis.call('GET', slot.ticketKey) == jobId then redis.call('DEL', slot.ticketKey) end
end
redis.call('ZREM', STOPPING, jobId)
local request = decode(redis.call('GET', REQUEST .. jobId))
if request then
  was = 'queued'
  redis.call('LREM', QUEUE, 1, jobId)
  redis.call('DEL', REQUEST .. jobId)
  if redis.call('GET', request.nextKey) == jobId then redis.call('DEL', request.nextKey) end
  if redis.call('GET', request.ticketKey) == jobId then redis.call('DEL', request.ticketKey) end
end
return cjson.encode({ was = was, started = admit_waiting() })
`;

const ADMIT = `${PRELUDE}
return cjson.encode(admit_waiting())
`;

const BEGIN_STOP = `${PRELUDE}
if not admitted(ARGV[8]) then return 0 end
redis.call('ZADD', STOPPING, ARGV[9], ARGV[8])
return 1
`;

const SET_STATUS = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local request = cjson.decode(raw)
request.statusTs = ARGV[1]
redis.call('SET', KEYS[1], cjson.encode(request))
return 1
`;

const Started = z
  .object({
    jobId: z.string(),
    platform: z.string(),
    channelId: z.string(),
    threadTs: z.string(),
    requestedBy: z.string(),
    project: z.string(),
    ticketId: z.string(),
    requestedAt: z.number(),
    projectCap: z.number().optional(),
    statusTs: z.string().optional(),
    startedAt: z.number().optional(),
    deadlineAt: z.number().optional(),
  })
  .strip() satisfies z.ZodType<AdmissionRequest>;

const AdmittedSlot = z.object({ admittedAt: z.number().optional() });

const Holder = z.object({
  jobId: z.string(),
  channelId: z.string(),
  threadTs: z.string().optional(),
  project: z.string(),
  ticketId: z.string(),
  status: z.enum(['queued', 'running', 'stopping']),
});

/** cjson writes an empty Lua table as `{}`: an empty list of started jobs. */
const StartedList = z
  .union([z.array(z.string()), z.object({}).strict()])
  .transform((value) =>
    Array.isArray(value) ? value.map((raw) => Started.parse(JSON.parse(raw))) : [],
  );

const Outcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admitted'), started: StartedList }),
  z.object({
    kind: z.literal('queued'),
    position: z.number(),
    length: z.number(),
    behind: Holder.optional(),
    started: StartedList,
  }),
  z.object({ kind: z.literal('channel-busy'), holder: Holder }),
  z.object({ kind: z.literal('ticket-busy'), holder: Holder }),
]);

const Released = z.object({
  was: z.enum(['running', 'queued', 'stopping', 'none']),
  started: StartedList,
});

function holder(value: z.output<typeof Holder>): JobHolder {
  return { ...value, threadTs: value.threadTs };
}

/** {@link AdmissionQueue} on Redis: a list, a request per queued job and hashes of slots. */
export class RedisAdmissionQueue implements AdmissionQueue {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DispatcherKeys,
    private readonly limits: AdmissionLimits,
    private readonly jobMaxDurationMs: number,
    private readonly lockTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async request(request: AdmissionRequest): Promise<AdmissionOutcome> {
    const conversation: ConversationState = {
      schemaVersion: 1,
      jobId: request.jobId,
      platform: request.platform,
      channelId: request.channelId,
      project: request.project,
      ticketId: request.ticketId,
      threadId: request.threadTs,
      requestedBy: request.requestedBy,
      startedAt: 0,
      deadlineAt: 0,
    };
    const stored = {
      ...request,
      conversation,
      conversationKey: conversationKey(request.platform, request.channelId),
      indexKey: jobIndexKey(request.jobId),
      ticketKey: this.keys.ticket(request.project, request.ticketId),
      nextKey: this.keys.channelNext(request.platform, request.channelId),
    };
    const outcome = Outcome.parse(
      JSON.parse(String(await this.#run(REQUEST, JSON.stringify(stored)))),
    );
    switch (outcome.kind) {
      case 'admitted':
        return outcome;
      case 'queued':
        return {
          kind: 'queued',
          position: outcome.position,
          length: outcome.length,
          behindStopping: outcome.behind ? holder(outcome.behind) : undefined,
          started: outcome.started,
        };
      case 'channel-busy':
      case 'ticket-busy':
        return { kind: outcome.kind, holder: holder(outcome.holder) };
    }
  }

  async release(
    jobId: string,
    options: { keepIfStopping?: boolean } = {},
  ): Promise<ReleaseOutcome> {
    const raw = await this.#run(RELEASE, jobId, options.keepIfStopping ? '1' : '0');
    return Released.parse(JSON.parse(String(raw)));
  }

  async admitWaiting(): Promise<AdmissionRequest[]> {
    return StartedList.parse(JSON.parse(String(await this.#run(ADMIT))));
  }

  async beginStop(jobId: string, deadlineAt: number): Promise<boolean> {
    return (await this.#run(BEGIN_STOP, jobId, String(deadlineAt))) === 1;
  }

  async stopping(): Promise<Array<{ jobId: string; deadlineAt: number }>> {
    const flat = await this.redis.zrange(this.keys.stoppingJobs, 0, -1, 'WITHSCORES');
    const jobs: Array<{ jobId: string; deadlineAt: number }> = [];
    for (let index = 0; index + 1 < flat.length; index += 2)
      jobs.push({ jobId: flat[index] as string, deadlineAt: Number(flat[index + 1]) });
    return jobs;
  }

  async queuedIn(platform: string, channelId: string): Promise<AdmissionRequest | null> {
    const jobId = await this.redis.get(this.keys.channelNext(platform, channelId));
    if (jobId === null) return null;
    const raw = await this.redis.get(this.keys.admissionRequest(jobId));
    return raw === null ? null : Started.parse(JSON.parse(raw));
  }

  async queued(limit: number): Promise<AdmissionRequest[]> {
    const jobIds = await this.redis.lrange(this.keys.admissionQueue, 0, Math.max(0, limit - 1));
    if (jobIds.length === 0) return [];
    const raws = await this.redis.mget(jobIds.map((jobId) => this.keys.admissionRequest(jobId)));
    // A job that started or left between the two reads has no request any more: skip it.
    return raws.flatMap((raw) => (raw === null ? [] : [Started.parse(JSON.parse(raw))]));
  }

  async admitted(): Promise<Array<{ jobId: string; admittedAt: number }>> {
    const slots = await this.redis.hgetall(this.keys.admissionSlots);
    return Object.entries(slots).map(([jobId, raw]) => ({
      jobId,
      admittedAt: AdmittedSlot.parse(JSON.parse(raw)).admittedAt ?? 0,
    }));
  }

  async isStopping(jobId: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.stoppingJobs, jobId)) !== null;
  }

  async setStatusMessage(jobId: string, ts: string): Promise<void> {
    await this.redis.eval(SET_STATUS, 1, this.keys.admissionRequest(jobId), ts);
  }

  async position(jobId: string): Promise<{ position: number; length: number } | null> {
    const [index, length] = await Promise.all([
      this.redis.lpos(this.keys.admissionQueue, jobId),
      this.redis.llen(this.keys.admissionQueue),
    ]);
    return index === null ? null : { position: index + 1, length };
  }

  #run(script: string, ...extra: string[]): Promise<string | number> {
    const { keys, limits } = this;
    return this.redis.eval(
      script,
      5,
      keys.admissionQueue,
      keys.admissionSlots,
      keys.admissionUsers,
      keys.admissionProjects,
      keys.stoppingJobs,
      keys.admissionRequest(''),
      String(this.now()),
      String(this.jobMaxDurationMs),
      String(Math.max(1, Math.ceil(this.lockTtlMs))),
      String(limits.total),
      String(limits.perUser),
      String(limits.perProject),
      ...extra,
    ) as Promise<string | number>;
  }
}
