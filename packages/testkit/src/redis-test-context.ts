import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Redis address integration tests use: `REDIS_URL` (host:port or redis://…), else localhost. */
export function testRedisUrl(): string {
  const raw = process.env['REDIS_URL'] ?? 'localhost:6379';
  return raw.includes('://') ? raw : `redis://${raw}`;
}

export interface RedisTestContext {
  /** A connected client. */
  redis: Redis;
  /** Unique to this context, e.g. `test:4f…:`; prefix your keys with it. */
  prefix: string;
  /** The Redis URL, for child processes and components that connect themselves. */
  url: string;
  /** A new connection (e.g. for blocking reads); closed by `cleanup`. */
  connect(): Redis;
  /** Deletes every key created under `prefix` and every key in `track`, then disconnects. */
  cleanup(): Promise<void>;
  /** Keys outside the prefix that cleanup must delete (e.g. `job:<id>:out`). */
  track(...keys: string[]): void;
}

/**
 * A per-test Redis context on the real server: a client, a unique key prefix, cleanup.
 * Fails fast with a clear message when no Redis answers.
 */
export async function redisTestContext(): Promise<RedisTestContext> {
  const url = testRedisUrl();
  const connections: Redis[] = [];
  const connect = () => {
    const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
    connections.push(client);
    return client;
  };
  const redis = connect();
  try {
    await redis.ping();
  } catch (error) {
    await Promise.all(connections.map((client) => client.quit().catch(() => undefined)));
    throw new Error(
      `integration tests need Redis at ${url} (set REDIS_URL or run scripts/provision.sh): ${String(error)}`,
      { cause: error },
    );
  }
  const prefix = `test:${randomUUID()}:`;
  const tracked = new Set<string>();
  return {
    redis,
    prefix,
    url,
    connect,
    track: (...keys) => keys.forEach((key) => tracked.add(key)),
    async cleanup() {
      const keys = [...tracked];
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
      if (keys.length > 0) await redis.del(...keys);
      await Promise.all(
        connections.map((client) => client.quit().catch(() => client.disconnect())),
      );
    },
  };
}
