import { jobOutStreamKey, type OutboundEntry } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import { encodeBusEntryArgs } from '@agentsmith/contracts';
import { FakeSlackApi, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConversationStateManager } from '../../src/conversations/redis-conversation-state-manager.js';
import { RedisJobStore } from '../../src/jobs/redis-job-store.js';
import { dispatcherKeys } from '../../src/jobs/job-keys.js';
import { uniqueChannel } from '../support/dispatcher-harness.js';
import { freePort } from '../support/redis-server-process.js';

const MAIN = resolve(import.meta.dirname, '../../dist/main.js');

describe('dispatcher (built, as a child process)', () => {
  let redis: RedisTestContext;
  let slack: FakeSlackApi;
  let dir: string;
  let port: number;
  let child: ChildProcess | undefined;
  const output: string[] = [];

  beforeAll(async () => {
    redis = await redisTestContext();
    slack = await new FakeSlackApi().start();
    dir = mkdtempSync(join(tmpdir(), 'dispatcher-e2e-'));
    writeFileSync(
      join(dir, 'agentsmith.yml'),
      [
        'projects:',
        '  agent-smith-test:',
        '    source: { type: github, url: https://github.com/o/r }',
        '    tickets: { type: github, url: https://github.com/o/r }',
        '',
      ].join('\n'),
    );
    port = await freePort();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await slack.stop();
    await redis.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startChild(): Promise<ChildProcess> {
    const started = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env['PATH'],
        SLACK_BOT_TOKEN: 'xoxb-e2e',
        SLACK_SIGNING_SECRET: 'e2e-secret',
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL: redis.url,
        PORT: String(port),
        BROKER_PORT: '0',
        OPS_PORT: '0',
        SPAWNER_TYPE: 'docker',
        DOCKER_HOST: 'tcp://127.0.0.1:1',
        AGENTSMITH_CONFIG: join(dir, 'agentsmith.yml'),
        DISPATCHER_INSTANCE_ID: 'e2e-replica',
        DISPATCHER_KEY_PREFIX: redis.prefix,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await expect
      .poll(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200,
        { message: `the dispatcher to listen (output: ${output.join('')})` },
      )
      .toBe(true);
    return started;
  }

  const exited = (process: ChildProcess) =>
    new Promise<number | null>((done) =>
      process.exitCode !== null
        ? done(process.exitCode)
        : process.once('exit', (code) => done(code)),
    );

  it('relays every entry exactly once and in order across a SIGKILL and a restart, then stops cleanly on SIGTERM', async () => {
    const channel = uniqueChannel();
    const jobId = 'e2e0' + Date.now().toString(16).slice(-8);
    redis.track(
      jobOutStreamKey(jobId),
      `job:${jobId}:in`,
      `job-index:${jobId}`,
      `conversation:slack:${channel}`,
    );
    const store = new RedisJobStore(redis.redis, dispatcherKeys(redis.prefix));
    const now = Date.now();
    await new RedisConversationStateManager(redis.redis, silentLogger()).acquire(
      {
        schemaVersion: 1,
        jobId,
        platform: 'slack',
        channelId: channel,
        project: 'agent-smith-test',
        ticketId: '58',
        startedAt: now,
        deadlineAt: now + 600_000,
      },
      700_000,
    );
    await store.track({
      jobId,
      platform: 'slack',
      channelId: channel,
      threadTs: '1.000001',
      statusTs: '1.000002',
      project: 'agent-smith-test',
      ticketId: '58',
      startedAt: now,
      deadlineAt: now + 600_000,
    });
    const write = async (...entries: OutboundEntry[]) => {
      for (const entry of entries)
        await redis.redis.xadd(jobOutStreamKey(jobId), '*', ...encodeBusEntryArgs(entry));
    };
    const detail = (index: number): OutboundEntry => ({
      type: 'detail',
      jobId,
      at: Date.now(),
      text: `line ${index}`,
    });
    const pending = async () =>
      (await redis.redis.xpending(jobOutStreamKey(jobId), 'dispatcher'))[0] as number;
    const lines = () =>
      slack
        .callsTo('chat.postMessage')
        .flatMap((call) => String(call.args['text']).split('\n'))
        .filter((line) => line.startsWith('line '));

    child = await startChild();
    await write(detail(1), detail(2), detail(3), detail(4), detail(5));
    await expect
      .poll(async () => lines().length === 5 && (await pending()) === 0, {
        message: 'five lines delivered and acknowledged',
      })
      .toBe(true);
    slack.failNextWithStatus(503, 100_000, 'chat.postMessage');
    await write(detail(6), detail(7), detail(8));
    await expect
      .poll(async () => (await pending()) > 0, {
        message: 'the relay to hold unacknowledged entries',
      })
      .toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    slack.clearFailures();
    await write(detail(9), detail(10));
    child = await startChild();
    await write({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed after a restart',
      durationMs: 5000,
      changedFiles: ['a.ts'],
    });
    await expect
      .poll(() => slack.calls.some((call) => String(call.args['text']).startsWith('Done:')), {
        timeout: 60_000,
      })
      .toBe(true);
    await expect
      .poll(async () => (await redis.redis.exists(`conversation:slack:${channel}`)) === 0, {
        message: 'the channel to be free',
      })
      .toBe(true);
    child.kill('SIGTERM');
    const code = await exited(child);

    expect(lines()).toEqual(Array.from({ length: 10 }, (_, index) => `line ${index + 1}`));
    expect(
      slack
        .callsTo('chat.postMessage')
        .filter((call) => String(call.args['text']).startsWith('Done:'))
        .map((call) => call.args['text']),
    ).toEqual(['Done: Fixed after a restart']);
    expect(await pending()).toBe(0);
    expect(code).toBe(0);
  });

  it.each([
    [
      'no signing secret in HTTP mode',
      { SLACK_SIGNING_SECRET: '' },
      /SLACK_SIGNING_SECRET is not set: .*set SLACK_APP_TOKEN/,
    ],
    [
      'an unknown SPAWNER_TYPE',
      { SPAWNER_TYPE: 'podman' },
      /SPAWNER_TYPE=\\"podman\\" is not valid: use one of docker, kubernetes/,
    ],
  ])('refuses to start with %s, saying what to set (exit 2)', async (_case, override, message) => {
    const lines: string[] = [];
    const refused = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env['PATH'],
        SLACK_BOT_TOKEN: 'xoxb-e2e',
        SLACK_SIGNING_SECRET: 'x',
        REDIS_URL: redis.url,
        PORT: '0',
        BROKER_PORT: '0',
        OPS_PORT: '0',
        ...override,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    refused.stdout.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    refused.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));

    const code = await exited(refused);

    expect(code).toBe(2);
    expect(lines.join('')).toMatch(message);
  });
});
