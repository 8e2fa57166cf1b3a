// Row 1: a signed Slack event → HTTP 200 from the dispatcher (a child process, real Redis for the
// de-duplication, the fake Slack), beside the floor of an empty Node HTTP handler in its own
// process. Same client, same concurrency, same number of requests.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeSlackApi } from '../packages/testkit/dist/index.js';
import { freePort, startDispatcherProcess } from './lib/dispatcher-process.mjs';
import { inParallel, percentile, recordRow, redisUrl } from './lib/results.mjs';
import { postMessageEvent } from './lib/slack-events.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const CONCURRENCY = 4;

async function timedRequests(count, send) {
  const latencies = await inParallel(Array.from({ length: count }), CONCURRENCY, async () => {
    const started = performance.now();
    const status = await send();
    if (status !== 200) throw new Error(`HTTP ${status}`);
    return performance.now() - started;
  });
  return latencies;
}

async function emptyHandlerFloor() {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end()); }).listen(${port}, '127.0.0.1')`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; !(await fetch(url).catch(() => undefined)); attempt += 1) {
    if (attempt > 100) throw new Error('the empty handler did not start');
    await sleep(50);
  }
  const body = JSON.stringify({ type: 'event_callback', event: { type: 'message', text: 'x' } });
  const send = async () => {
    const response = await fetch(url, { method: 'POST', body });
    await response.text();
    return response.status;
  };
  await timedRequests(100, send);
  const latencies = await timedRequests(EVENTS, send);
  child.kill();
  return latencies;
}

const slack = await new FakeSlackApi().start();
const dispatcher = await startDispatcherProcess({
  slackApiUrl: slack.apiUrl,
  redisUrl: redisUrl(),
  prefix: `bench:${process.pid}:intake:`,
  docker: false,
});
try {
  // Chatter the dispatcher reads and ignores: the signature check, de-duplication in Redis and
  // intent parsing, every time. Warm-up first (connections, JIT).
  const send = () => postMessageEvent(dispatcher.url, 'CBENCHINTAKE', 'lunch at noon?');
  await timedRequests(100, send);
  const events = await timedRequests(EVENTS, send);
  const floor = await emptyHandlerFloor();
  const p99 = percentile(events, 99);
  recordRow({
    row: 1,
    measure: `Signed Slack event → HTTP 200, ${EVENTS} events`,
    statistic: 'p99',
    unit: 'ms',
    value: p99,
    floor: percentile(floor, 99),
    floorLabel: 'an empty Node HTTP handler',
    target: 'p99 < 50 ms',
    met: p99 < 50,
    why: `before it answers, the dispatcher checks the signature (HMAC over the body) and the timestamp itself (slack/verify-slack-request.ts) and routes the event through Bolt, in the same process and event loop as the relay; p99 is the tail of that, and the empty handler's own p99 in the same run was ${percentile(floor, 99).toFixed(0)} ms`,
    samples: { 'Slack event → 200': events, 'empty handler': floor },
    details: [
      `event p50 ${percentile(events, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; empty handler p50 ${percentile(floor, 50).toFixed(2)} ms, p99 ${percentile(floor, 99).toFixed(2)} ms (${CONCURRENCY} requests in flight)`,
    ],
  });
} finally {
  await dispatcher.stop();
  await slack.stop();
}
