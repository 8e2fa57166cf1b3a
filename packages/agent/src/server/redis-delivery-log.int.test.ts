import { createHmac, randomUUID } from 'node:crypto';
import { silentLogger } from '@agentsmith/kit';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryKey, RedisDeliveryLog } from './redis-delivery-log.js';
import { WebhookServer } from './webhook-server.js';

const SECRET = 'webhook-secret-redis';

describe('server/redis-delivery-log', () => {
  let redis: RedisTestContext;
  const servers: WebhookServer[] = [];
  const started: string[] = [];

  beforeEach(async () => {
    redis = await redisTestContext();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await redis.cleanup();
    started.length = 0;
  });

  /** A webhook server remembering deliveries in the test's Redis. */
  async function start(): Promise<string> {
    const server = new WebhookServer({
      secret: SECRET,
      deliveries: new RedisDeliveryLog(redis.url),
      logger: silentLogger(),
      resolve: (issue) => ({ ticketId: String(issue.issueNumber), project: 'demo' }),
      startRun: (intent) => {
        started.push(intent.ticketId);
        return Promise.resolve(0);
      },
    });
    servers.push(server);
    return `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  }

  function deliver(url: string, delivery: string, number: number): Promise<Response> {
    const body = JSON.stringify({
      action: 'labeled',
      label: { name: 'agent-smith' },
      issue: { number },
      repository: { name: 'demo', full_name: 'acme/demo' },
    });
    return fetch(`${url}/webhook`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': delivery,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
    });
  }

  it('refuses a replayed delivery id, also at another server sharing the Redis (a restart), and keeps it with a TTL', async () => {
    const [delivery, other] = [`delivery-${randomUUID()}`, `delivery-${randomUUID()}`];
    redis.track(deliveryKey(delivery), deliveryKey(other));
    const [first, second] = [await start(), await start()];

    const original = await deliver(first, delivery, 70);
    const replayedHere = await deliver(first, delivery, 70);
    const replayedThere = await deliver(second, delivery, 70);
    const fresh = await deliver(second, other, 71);
    const ttl = await redis.redis.ttl(deliveryKey(delivery));

    expect([original.status, replayedHere.status, replayedThere.status, fresh.status]).toEqual([
      202, 409, 409, 202,
    ]);
    expect(started).toEqual(['70', '71']);
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
  });
});
