// The credential broker's cost per LLM request: the same scripted fake answered directly and
// through the broker (token lookup in Redis, budget check, key swap, streaming relay, usage
// ledger). Figures only; nothing here passes or fails on timing.
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { PROTOCOL_VERSION } from '../packages/contracts/dist/index.js';
import { silentLogger } from '../packages/kit/dist/index.js';
import { ProjectConfig } from '../packages/providers/dist/index.js';
import { FakeLlmApi } from '../packages/testkit/dist/index.js';
import { startBrokerServer } from '../packages/dispatcher/dist/broker/broker-server.js';
import { createJobCredentialIssuer } from '../packages/dispatcher/dist/broker/job-credentials.js';
import { RedisCredentialStore } from '../packages/dispatcher/dist/broker/redis-credential-store.js';
import { median, recordRow } from './lib/results.mjs';

const REQUESTS = Number(process.env.BENCH_BROKER_REQUESTS ?? 200);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One request; resolves with [ms to first body byte, ms to the end]. */
async function timed(url, headers, stream) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      stream,
      messages: [{ role: 'user', content: 'hello' }],
    }),
  });
  const reader = response.body.getReader();
  let first;
  for (;;) {
    const { done } = await reader.read();
    first ??= performance.now() - started;
    if (done) break;
  }
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  return [first, performance.now() - started];
}

async function series(label, url, headers, stream, llm) {
  const ttfb = [];
  const total = [];
  for (let index = 0; index < REQUESTS; index += 1) {
    llm.script({
      text: 'a short answer of a few words',
      usage: { inputTokens: 10, outputTokens: 5 },
    });
    const [first, end] = await timed(url, headers, stream);
    ttfb.push(first);
    total.push(end);
  }
  return { label, ttfb, total };
}

const format = (values) =>
  `p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`;

const url = process.env.REDIS_URL ?? 'localhost:6379';
const redis = new Redis(url.includes('://') ? url : `redis://${url}`);
const prefix = `bench:${process.pid}:broker:`;
const llm = await FakeLlmApi.start();
const project = ProjectConfig.parse({
  source: { type: 'github', url: 'https://github.com/acme/app.git' },
  tickets: { type: 'github', url: 'https://github.com/acme/app' },
  agent: { type: 'claude', budget: { usd: 1_000_000 } },
});
const credentials = { anthropicApiKey: 'sk-ant-bench', anthropicBaseUrl: llm.baseUrl };
const store = new RedisCredentialStore(redis, prefix);
const broker = await startBrokerServer(
  { store, credentials, loadProject: async () => project, logger: silentLogger() },
  { port: 0, host: '127.0.0.1' },
);
const issuer = createJobCredentialIssuer({
  redis,
  store,
  config: { port: 0, agentUrl: broker.url, defaultBudget: {}, credentials },
  loadProject: async () => project,
});
const jobId = '0123456789ab';
const env = await issuer.issue({
  specificationVersion: PROTOCOL_VERSION,
  jobId,
  intent: { ticketId: '58', project: 'app' },
  platform: 'slack',
  channelId: 'CBENCH',
  redisUrl: 'redis:6379',
  maxDurationSeconds: 3600,
  createdAt: Date.now(),
});
try {
  for (const stream of [false, true]) {
    // Warm both paths (connections, JIT) before measuring.
    await series('warm-up', `${llm.baseUrl}/messages`, { 'x-api-key': 'k' }, stream, llm);
    await series(
      'warm-up',
      `${broker.url}/llm/anthropic/messages`,
      { 'x-api-key': env.AGENTSMITH_JOB_TOKEN },
      stream,
      llm,
    );
    const direct = await series(
      'direct',
      `${llm.baseUrl}/messages`,
      { 'x-api-key': 'k' },
      stream,
      llm,
    );
    const brokered = await series(
      'broker',
      `${broker.url}/llm/anthropic/messages`,
      { 'x-api-key': env.AGENTSMITH_JOB_TOKEN },
      stream,
      llm,
    );
    const kind = stream ? 'streamed (SSE)' : 'plain JSON';
    console.log(`LLM request, ${kind}, ${REQUESTS} sequential requests to the fake:`);
    for (const run of [direct, brokered]) {
      console.log(
        `  ${run.label.padEnd(7)} total ${format(run.total)}; first byte ${format(run.ttfb)}`,
      );
    }
    const added = (p) => (percentile(brokered.total, p) - percentile(direct.total, p)).toFixed(2);
    const addedFirst = (p) =>
      (percentile(brokered.ttfb, p) - percentile(direct.ttfb, p)).toFixed(2);
    console.log(
      `  added by the broker: total p50 ${added(50)} ms, p99 ${added(99)} ms; first byte p50 ${addedFirst(50)} ms, p99 ${addedFirst(99)} ms`,
    );
    const brokered50 = median(stream ? brokered.ttfb : brokered.total);
    const direct50 = median(stream ? direct.ttfb : direct.total);
    recordRow({
      row: 9,
      measure: stream
        ? 'Broker overhead, first streamed byte (SSE)'
        : 'Broker overhead per LLM request (plain JSON)',
      statistic: 'p50 added',
      unit: 'ms',
      value: brokered50 - direct50,
      floor: direct50,
      floorLabel: 'direct to the fake (p50)',
      ratio: brokered50 / direct50,
      target: 'p50 < 5 ms',
      met: brokered50 - direct50 < 5,
      why: 'the broker looks the job token up in Redis, checks the budget, relays the body and writes the usage ledger on each request',
      samples: stream
        ? { 'through the broker (first byte)': brokered.ttfb, 'direct (first byte)': direct.ttfb }
        : { 'through the broker': brokered.total, direct: direct.total },
      details: [`${REQUESTS} sequential requests each way`],
    });
  }
  const ledger = await store.ledger(jobId);
  console.log(
    `  ledger after the run: ${ledger.calls} calls, ${ledger.inputTokens + ledger.outputTokens} tokens`,
  );
} finally {
  await issuer.revoke(jobId);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await broker.close();
  await llm.stop();
  redis.disconnect();
}
