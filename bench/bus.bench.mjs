// Wire-contract throughput: encode/decode in memory, and the Redis stream round trip the relay
// depends on (XADD by the agent → blocking XREADGROUP by the dispatcher → XACK).
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { decodeBusEntry, encodeBusEntryArgs } from '../packages/contracts/dist/index.js';

const entry = {
  type: 'done',
  jobId: '0123456789ab',
  at: Date.now(),
  summary: 'Fixed the off-by-one in the pager',
  prUrl: 'https://github.com/org/repo/pull/7',
  costUsd: 0.42,
  durationMs: 93000,
  changedFiles: ['src/pager.ts', 'src/pager.test.ts'],
};

function codec(iterations) {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  for (let index = 0; index < iterations; index += 1) decodeBusEntry(encodeBusEntryArgs(entry));
  const ms = performance.now() - started;
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(
    `codec: ${iterations} encode+decode in ${ms.toFixed(0)} ms = ${Math.round(iterations / (ms / 1000))}/s (${((ms * 1000) / iterations).toFixed(1)} µs each), heap delta ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB`,
  );
}

async function roundTrip(count) {
  const url = process.env.REDIS_URL ?? 'localhost:6379';
  const writer = new Redis(url.includes('://') ? url : `redis://${url}`);
  const reader = writer.duplicate();
  const stream = `bench:${process.pid}:job:0123456789ab:out`;
  await writer.xgroup('CREATE', stream, 'relay', '$', 'MKSTREAM');
  const latencies = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const sent = performance.now();
    const pending = reader.xreadgroup(
      'GROUP',
      'relay',
      'bench',
      'COUNT',
      1,
      'BLOCK',
      1000,
      'STREAMS',
      stream,
      '>',
    );
    await writer.xadd(
      stream,
      'MAXLEN',
      '~',
      1000,
      '*',
      ...encodeBusEntryArgs({ ...entry, at: Date.now() }),
    );
    const [[, [[id, fields]]]] = await pending;
    decodeBusEntry(fields);
    await reader.xack(stream, 'relay', id);
    latencies.push(performance.now() - sent);
  }
  const total = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
  console.log(
    `redis round trip (XADD → XREADGROUP BLOCK → XACK): ${count} entries in ${total.toFixed(0)} ms, p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
  );
  await writer.del(stream);
  writer.disconnect();
  reader.disconnect();
}

codec(50_000);
await roundTrip(2_000);
