import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { expect } from 'vitest';
import { dockerBuild, testRunId } from './docker-test-helpers.js';

/**
 * A stand-in agent: node with no dependencies, reading the real agent's arguments
 * (`… --job-id <id> --redis-url <host:port> … "fix #<n> in <scenario>"`). The project name picks
 * the behaviour:
 * - `report`   writes a progress and a done entry to `job:<id>:out` over RESP, plus a `detail`
 *              entry describing its sandbox (uid, read-only root, forwarded env names), exits 0;
 * - `exit-<n>` exits with code n;
 * - `sleep`    prints `ready`, then runs until SIGTERM and exits 143;
 * - `stubborn` prints `ready` and ignores SIGTERM (to prove the kill after the grace period);
 * - `oom`      allocates memory until the kernel kills it;
 * - `fill-workspace` writes to /workspace until a write fails, reports `{ code, written, size }`
 *              (the error code, the bytes written, the workspace's size from statfs) in a
 *              `detail` entry, then `done`, and exits 0.
 */
const FAKE_AGENT_SCRIPT = String.raw`
import net from 'node:net';
import fs from 'node:fs';
const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const input = args[args.length - 1] ?? '';
const scenario = (/ in (\S+)$/.exec(input) ?? [])[1] ?? 'report';
const jobId = option('--job-id');
process.on('SIGTERM', () => { if (scenario !== 'stubborn') process.exit(143); });
function resp(parts) { return '*' + parts.length + '\r\n' + parts.map((p) => '$' + Buffer.byteLength(String(p)) + '\r\n' + p + '\r\n').join(''); }
function send(commands) {
  const [host, port] = (option('--redis-url') ?? 'redis:6379').replace(/^redis:\/\//, '').split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port ?? 6379), host, () => socket.write(commands.map(resp).join('')));
    let replies = 0; let text = '';
    socket.on('data', (chunk) => { text += chunk; replies = (text.match(/\$\d+\r\n[^\r]*\r\n|-[^\r]*\r\n/g) ?? []).length; if (replies >= commands.length) { socket.end(); resolve(text); } });
    socket.on('error', reject);
  });
}
function rootIsReadOnly() { try { fs.writeFileSync('/probe', 'x'); return false; } catch { return true; } }
function workspaceWritable() { try { fs.writeFileSync('/workspace/probe', 'x'); fs.writeFileSync('/tmp/probe', 'x'); return true; } catch { return false; } }
const key = 'job:' + jobId + ':out';
if (scenario === 'report') {
  const sandbox = JSON.stringify({ uid: process.getuid(), rootReadOnly: rootIsReadOnly(), workspaceWritable: workspaceWritable(),
    env: Object.keys(process.env).filter((k) => /^(AGENTSMITH_|GITHUB_|ANTHROPIC_|OPENAI_|SLACK_)/.test(k)).sort(), args,
    config: process.env.AGENTSMITH_CONFIG_TEXT ?? (process.env.AGENTSMITH_CONFIG ? fs.readFileSync(process.env.AGENTSMITH_CONFIG, 'utf8') : null) });
  const base = ['v', '1', 'jobId', jobId, 'at', String(Date.now())];
  await send([
    ['XADD', key, '*', ...base, 'type', 'progress', 'step', '1', 'total', '2', 'label', 'Fetching ticket'],
    ['XADD', key, '*', ...base, 'type', 'detail', 'text', sandbox],
    ['XADD', key, '*', ...base, 'type', 'done', 'summary', 'fake agent finished', 'durationMs', '1', 'changedFiles', '[]'],
  ]);
  process.exit(0);
}
if (scenario === 'fill-workspace') {
  let written = 0; let code = null;
  const chunk = Buffer.alloc(64 * 1024, 1);
  try { const fd = fs.openSync('/workspace/fill', 'w'); for (;;) written += fs.writeSync(fd, chunk); } catch (error) { code = error.code; }
  const stats = fs.statfsSync('/workspace');
  await send([
    ['XADD', key, '*', 'v', '1', 'type', 'detail', 'text', JSON.stringify({ code, written, size: stats.blocks * stats.bsize })],
    ['XADD', key, '*', 'v', '1', 'type', 'done', 'summary', 'fake agent filled its workspace'],
  ]);
  process.exit(0);
}
const exit = /^exit-(\d+)$/.exec(scenario);
if (exit) process.exit(Number(exit[1]));
if (scenario === 'oom') { const hog = []; for (;;) { hog.push(Buffer.alloc(16 * 1024 * 1024, 1)); } }
console.log('ready');
setInterval(() => {}, 1000);
`;

const FAKE_AGENT_DOCKERFILE = `FROM node:22-bookworm-slim
RUN mkdir -p /workspace && chown node:node /workspace
COPY fake-agent.mjs /opt/fake-agent.mjs
USER node
WORKDIR /workspace
ENTRYPOINT ["node", "/opt/fake-agent.mjs"]
`;

/** Tag of the fake agent image for this test run. */
export const fakeAgentImageTag = `agentsmith-fake-agent:${testRunId}`;

/** Builds the fake agent image (a few seconds: one COPY on top of the local node image). */
export async function buildFakeAgentImage(tag = fakeAgentImageTag): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-agent-'));
  try {
    await writeFile(join(dir, 'fake-agent.mjs'), FAKE_AGENT_SCRIPT);
    await writeFile(join(dir, 'Dockerfile'), FAKE_AGENT_DOCKERFILE);
    await dockerBuild(dir, tag);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Resolves once a fake agent container printed `ready` (its SIGTERM handler is installed). */
export async function waitForFakeAgentReady(docker: Docker, name: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (await docker.getContainer(name).logs({ stdout: true, stderr: false, follow: false }))
          .toString('utf8')
          .includes('ready'),
      { timeout: 10_000, message: `${name} ready` },
    )
    .toBe(true);
}
