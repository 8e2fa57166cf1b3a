import { Redis } from 'ioredis';
import { DELIVERY_MEMORY_SECONDS, type DeliveryLog } from './delivery-log.js';

/** Key of a handled delivery id. */
export function deliveryKey(deliveryId: string): string {
  return `agentsmith:webhook-delivery:${deliveryId}`;
}

/**
 * {@link DeliveryLog} in Redis (`SET NX EX`): replays are caught across restarts and across every
 * webhook server sharing the Redis.
 */
export class RedisDeliveryLog implements DeliveryLog {
  readonly #redis: Redis;

  constructor(
    redisUrl: string,
    private readonly ttlSeconds = DELIVERY_MEMORY_SECONDS,
  ) {
    this.#redis = new Redis(redisUrl, {
      connectionName: 'agentsmith-webhooks',
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    this.#redis.on('error', () => undefined);
  }

  async firstSeen(deliveryId: string): Promise<boolean> {
    const set = await this.#redis.set(deliveryKey(deliveryId), '1', 'EX', this.ttlSeconds, 'NX');
    return set === 'OK';
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
