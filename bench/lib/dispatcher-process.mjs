// The built dispatcher as a child process (as production runs it), beside the fake Slack, with
// its own key prefix, for the benches that measure the dispatcher from outside.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const MAIN = resolve(import.meta.dirname, '../../packages/dispatcher/dist/main.js');
export const SIGNING_SECRET = 'bench-signing-secret';

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

/**
 * Starts the dispatcher. `docker` false points it at an engine that does not answer (the relay
 * benches track jobs themselves and need no containers).
 */
export async function startDispatcherProcess({
  slackApiUrl,
  redisUrl,
  prefix,
  docker,
  project = 'bench',
  env = {},
}) {
  const dir = mkdtempSync(join(tmpdir(), 'agentsmith-bench-'));
  writeFileSync(
    join(dir, 'agentsmith.yml'),
    [
      'projects:',
      `  ${project}:`,
      '    source: { type: github, url: https://github.com/o/r }',
      '    tickets: { type: github, url: https://github.com/o/r }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const output = [];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slackApiUrl,
      REDIS_URL: redisUrl,
      PORT: String(port),
      // Any free port: a fixed one collides with another dispatcher on the same machine.
      OPS_PORT: '0',
      BROKER_PORT: '0',
      SPAWNER_TYPE: 'docker',
      DOCKER_HOST: docker ? 'unix:///var/run/docker.sock' : 'tcp://127.0.0.1:1',
      AGENTSMITH_CONFIG: join(dir, 'agentsmith.yml'),
      DISPATCHER_INSTANCE_ID: `bench-${process.pid}`,
      DISPATCHER_KEY_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    const health = await fetch(`${url}/health`).catch(() => undefined);
    if (health?.status === 200) break;
    if (attempt > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the dispatcher did not start: ${output.join('')}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid,
    output,
    /** Resident memory in MiB, from /proc. */
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
    },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([new Promise((done) => child.once('exit', done)), sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
