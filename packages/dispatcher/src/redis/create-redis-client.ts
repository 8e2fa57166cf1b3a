import type { Logger } from '@agentsmith/kit';
import { Redis } from 'ioredis';

/**
 * A Redis connection that keeps reconnecting (capped back-off) and fails single commands after a
 * few retries, so a Redis outage degrades requests instead of hanging them.
 */
export function createRedisClient(url: string, logger: Logger, name: string): Redis {
  const client = new Redis(url, {
    connectionName: `agentsmith-dispatcher-${name}`,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(1_000, 100 * 2 ** Math.min(attempt, 4)),
    lazyConnect: false,
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log each new one once.
    if (error.message !== lastError)
      logger.warn({ err: error, connection: name }, 'Redis connection error');
    lastError = error.message;
  });
  client.on('ready', () => {
    if (lastError) logger.info({ connection: name }, 'Redis connection restored');
    lastError = '';
  });
  return client;
}
