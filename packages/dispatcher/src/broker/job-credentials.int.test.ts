import { BROKER_ENVIRONMENT, EGRESS_PROXY_ENVIRONMENT } from '@agentsmith/contracts';
import { ProjectConfig } from '@agentsmith/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { RedisCredentialStore } from './redis-credential-store.js';
import { jobRedisUsername } from './redis-job-acl.js';

const project = ProjectConfig.parse({
  source: { type: 'github', url: 'https://github.com/acme/agent-smith-test.git' },
  tickets: { type: 'github', url: 'https://github.com/acme/agent-smith-test' },
  agent: { type: 'claude', budget: { usd: 3 } },
});

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('per-job credentials through the dispatcher (real Redis)', () => {
  let harness: DispatcherHarness;

  beforeAll(async () => {
    harness = await DispatcherHarness.start({
      dependencies: {
        broker: {
          config: {
            port: 0,
            agentUrl: 'http://dispatcher:8081',
            defaultBudget: { usd: 20 },
            budgetQuestionTimeoutSeconds: 900,
            credentials: { githubToken: 'ghp_real', anthropicApiKey: 'sk-ant-real' },
          },
          loadProject: (name) => Promise.resolve(name === 'agent-smith-test' ? project : undefined),
          host: '127.0.0.1',
        },
      },
    });
  });
  afterAll(async () => {
    await harness.stop();
  });

  const brokerCall = (token: string) =>
    fetch(`${harness.dispatcher.brokerUrl}/rest/github/repos/acme/agent-smith-test`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const redisUsers = async () => (await harness.redis.redis.call('ACL', 'USERS')) as string[];

  it('mints a token and a Redis user at spawn, hands only them to the spawner, and revokes both when the job ends', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await eventually(() => Promise.resolve(harness.spawner.spawned.length === 1), 'the spawn');
    const { jobId } = harness.spawner.spawned[0]!;
    const env = harness.spawner.environments.get(jobId) ?? {};

    expect(Object.keys(env).sort()).toEqual(
      [
        ...Object.values(BROKER_ENVIRONMENT),
        ...EGRESS_PROXY_ENVIRONMENT.proxy,
        ...EGRESS_PROXY_ENVIRONMENT.noProxy,
      ].sort(),
    );
    // The proxy URL carries the egress token, never the job token.
    expect(env['HTTPS_PROXY']).toMatch(/^http:\/\/job:asegress_[\w-]{43}@dispatcher:8081$/);
    expect(env[BROKER_ENVIRONMENT.brokerUrl]).toBe('http://dispatcher:8081');
    expect(env[BROKER_ENVIRONMENT.jobToken]).toMatch(/^asjob_[\w-]{43}$/);
    expect(env[BROKER_ENVIRONMENT.redisUsername]).toBe(jobRedisUsername(jobId));
    expect(JSON.stringify(env)).not.toMatch(/ghp_real|sk-ant-real/);
    expect(await redisUsers()).toContain(jobRedisUsername(jobId));
    // Known to the broker while the job runs (the upstream is unreachable here, so not a 401).
    expect((await brokerCall(env[BROKER_ENVIRONMENT.jobToken]!)).status).not.toBe(401);

    // The broker's ledger (here: two calls it counted) wins over the agent's own figure.
    const ledger = new RedisCredentialStore(harness.redis.redis);
    const usage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0 };
    const egressToken = decodeURIComponent(new URL(env['HTTPS_PROXY']!).password);
    expect(await ledger.resolveEgress(egressToken)).toMatchObject({
      jobId,
      project: 'agent-smith-test',
    });
    await ledger.record(jobId, { ...usage, costUsd: 1.25 }, Date.now() + 60_000);
    await ledger.record(jobId, { ...usage, costUsd: 0.5 }, Date.now() + 60_000);
    await harness.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed',
      costUsd: 0.01,
      durationMs: 1000,
      changedFiles: [],
    });
    await eventually(
      async () => (await brokerCall(env[BROKER_ENVIRONMENT.jobToken]!)).status === 401,
      'the token to be revoked',
    );
    expect(await redisUsers()).not.toContain(jobRedisUsername(jobId));
    expect(await ledger.resolveEgress(egressToken)).toBeUndefined();
    const card = JSON.stringify(
      harness.slack.calls.find((call) => String(call.args['text']).startsWith('Done:')),
    );
    expect(card).toContain('$1.75');
    expect(card).not.toContain('$0.01');
    await harness.redis.redis.del(`broker:job:${jobId}:ledger`);
  });
});
