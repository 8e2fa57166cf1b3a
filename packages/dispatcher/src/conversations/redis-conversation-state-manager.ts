import { ConversationState, conversationKey, jobIndexKey } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { Redis } from 'ioredis';
import type { AcquireResult, ConversationStateManager } from './conversation-state-manager.js';

// One script, so "check the channel is free, take it, write the reverse index" is atomic.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('SET', KEYS[2], KEYS[1], 'PX', ARGV[2])
  return false
end
return redis.call('GET', KEYS[1])
`;

// Frees the channel only if this job holds it: a late release never frees a newer job's lock.
const RELEASE = `
local conversation = redis.call('GET', KEYS[1])
if not conversation then return 0 end
local value = redis.call('GET', conversation)
redis.call('DEL', KEYS[1])
if value then
  local ok, state = pcall(cjson.decode, value)
  if ok and state['jobId'] == ARGV[1] then
    redis.call('DEL', conversation)
    return 1
  end
end
return 0
`;

/** {@link ConversationStateManager} on Redis: `conversation:<platform>:<channel>` + `job-index:<id>`. */
export class RedisConversationStateManager implements ConversationStateManager {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async acquire(state: ConversationState, ttlMs: number): Promise<AcquireResult> {
    const value = ConversationState.parse(state);
    const holder = (await this.redis.eval(
      ACQUIRE,
      2,
      conversationKey(value.platform, value.channelId),
      jobIndexKey(value.jobId),
      JSON.stringify(value),
      String(Math.max(1, Math.ceil(ttlMs))),
    )) as string | null;
    if (holder === null) return { acquired: true };
    const parsed = this.#parse(holder);
    if (parsed) return { acquired: false, holder: parsed };
    // An unreadable state must not block the channel forever: replace it.
    await this.redis.del(conversationKey(value.platform, value.channelId));
    return this.acquire(state, ttlMs);
  }

  async get(platform: string, channelId: string): Promise<ConversationState | null> {
    const raw = await this.redis.get(conversationKey(platform, channelId));
    return raw === null ? null : this.#parse(raw);
  }

  async findByJobId(jobId: string): Promise<ConversationState | null> {
    const key = await this.redis.get(jobIndexKey(jobId));
    if (key === null) return null;
    const raw = await this.redis.get(key);
    const state = raw === null ? null : this.#parse(raw);
    return state?.jobId === jobId ? state : null;
  }

  async release(jobId: string): Promise<boolean> {
    const released = (await this.redis.eval(RELEASE, 1, jobIndexKey(jobId), jobId)) as number;
    return released === 1;
  }

  #parse(raw: string): ConversationState | null {
    try {
      return ConversationState.parse(JSON.parse(raw));
    } catch (error) {
      this.logger.warn({ err: error }, 'Unreadable conversation state');
      return null;
    }
  }
}
