import type { Redis } from 'ioredis';
import type { DedupStore } from '../slack/slack-handlers.js';

/** {@link DedupStore} on Redis: `SET key NX EX ttl`, shared by every replica. */
export class RedisDedupStore implements DedupStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyFor: (key: string) => string,
  ) {}

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.keyFor(key), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
  }
}
