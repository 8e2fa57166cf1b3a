import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import {
  FakeSlackApi,
  containerExists,
  redisTestContext,
  signSlackRequest,
  waitFor,
  waitForFakeAgentReady,
  type RedisTestContext,
} from '@agentsmith/testkit';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../test/support/docker-agent-fixture.js';
import { loadDispatcherConfig } from '../config/dispatcher-config.js';
import { startDispatcher, type RunningDispatcher } from '../dispatcher.js';
import { createSpawner } from './create-spawner.js';
import { dockerContainerSpec } from './docker-container-spec.js';
import { jobName } from './job-spawner.js';
import { registerBuiltInSpawners } from './register-spawners.js';

/**
 * Failure paths of the seed through the whole dispatcher (real Redis, real Docker, fake Slack):
 * the fake agent image's project name picks how the "agent" behaves.
 */
const SIGNING_SECRET = 'docker-dispatch-secret';
let fixture: DockerAgentFixture;
let slack: FakeSlackApi;
let redis: RedisTestContext;
let dispatcher: RunningDispatcher | undefined;

async function start(
  extraEnv: Record<string, string>,
  image = fixture.image,
): Promise<RunningDispatcher> {
  const env = {
    SPAWNER_TYPE: 'docker',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    PORT: '0',
    DOCKER_NETWORK: fixture.network,
    DOCKER_HOST: fixture.gate.url,
    AGENT_MEMORY: '256m',
    ...extraEnv,
  };
  const config = loadDispatcherConfig(env);
  registerBuiltInSpawners();
  const spawner = await createSpawner('docker', {
    env,
    logger: silentLogger(),
    image,
    jobMaxDurationMs: config.jobMaxDurationMs,
  });
  dispatcher = await startDispatcher(config, {
    logger: silentLogger(),
    spawner,
    projects: {
      projects: () => Promise.resolve({ names: ['oom', 'sleep'] }),
      tracker: () => Promise.reject(new Error('no tracker')),
    },
    keyPrefix: redis.prefix,
    host: '127.0.0.1',
    relay: { minIntervalMs: 0 },
  });
  return dispatcher;
}

async function say(running: RunningDispatcher, channel: string, text: string): Promise<void> {
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: `Ev${randomBytes(4).toString('hex')}`,
    event: { type: 'message', channel, user: 'UHUMAN', text, ts: `${Date.now() / 1000}` },
  });
  const signed = signSlackRequest(SIGNING_SECRET, body);
  const response = await fetch(`${running.url}/slack/events`, {
    method: 'POST',
    headers: signed.headers,
    body,
  });
  expect(response.status).toEqual(200);
}

/** The job id the dispatcher announced in the channel ("Starting job <id> …"). */
async function startedJob(channel: string): Promise<string> {
  let jobId = '';
  await waitFor('the job to start', () => {
    const call = slack.calls.find(
      (entry) =>
        entry.args['channel'] === channel && /Starting job [0-9a-f]{12}/.test(textOf(entry)),
    );
    jobId = /Starting job ([0-9a-f]{12})/.exec(textOf(call))?.[1] ?? '';
    return jobId !== '';
  });
  return jobId;
}

function textOf(call: { args: Record<string, unknown> } | undefined): string {
  const text = call?.args['text'];
  return typeof text === 'string' ? text : '';
}

function channelTexts(channel: string): string[] {
  return slack.calls.filter((call) => call.args['channel'] === channel).map(textOf);
}

function newChannel(): string {
  return `C${randomBytes(4).toString('hex').toUpperCase()}`;
}

beforeAll(async () => {
  fixture = await startDockerAgentFixture('dispatch');
});

afterAll(async () => {
  await fixture?.close();
});

afterEach(async () => {
  await dispatcher?.close(100);
  dispatcher = undefined;
  await slack.stop();
  await redis.cleanup();
});

describe('spawners through the dispatcher (real Docker)', () => {
  it('reports an agent killed by its memory limit in the thread within 10 s and frees the channel', async () => {
    slack = await new FakeSlackApi().start();
    redis = await redisTestContext();
    const running = await start({ AGENT_MEMORY: '64m' });
    const channel = newChannel();

    await say(running, channel, 'fix #1 in oom');
    const jobId = await startedJob(channel);
    const started = Date.now();
    await waitFor(
      'the out-of-memory report',
      () => channelTexts(channel).some((text) => text.includes('out of memory, exit 137')),
      10_000,
    );
    process.stdout.write(
      `out-of-memory death reported in the thread ${Date.now() - started} ms after the job started\n`,
    );
    await waitFor(
      'the channel to be free',
      async () => (await redis.redis.get(conversationKey('slack', channel))) === null,
    );

    expect(channelTexts(channel).filter((text) => text.includes('out of memory'))[0]).toContain(
      'out of memory, exit 137 (memory limit 64 MiB)',
    );
    expect(await containerExists(fixture.docker, jobName(jobId))).toEqual(false);
  });

  it('stops a job past JOB_MAX_DURATION and says so in the thread', async () => {
    slack = await new FakeSlackApi().start();
    redis = await redisTestContext();
    const running = await start({ JOB_MAX_DURATION: '3s' });
    const channel = newChannel();

    await say(running, channel, 'fix #1 in sleep');
    const jobId = await startedJob(channel);
    await waitFor(
      'the deadline report',
      () => channelTexts(channel).some((text) => text.includes('JOB_MAX_DURATION')),
      30_000,
    );
    await waitFor(
      'the container to be stopped',
      async () => !(await containerExists(fixture.docker, jobName(jobId))),
      30_000,
    );

    expect(await redis.redis.get(conversationKey('slack', channel))).toEqual(null);
  });

  it('`cancel` removes the container within the grace period', async () => {
    slack = await new FakeSlackApi().start();
    redis = await redisTestContext();
    const running = await start({ CANCEL_GRACE_SECONDS: '1' });
    const channel = newChannel();
    await say(running, channel, 'fix #1 in sleep');
    const jobId = await startedJob(channel);
    await waitForFakeAgentReady(fixture.docker, jobName(jobId));

    const started = Date.now();
    await say(running, channel, 'cancel');
    await waitFor(
      'the container to be gone',
      async () => !(await containerExists(fixture.docker, jobName(jobId))),
      15_000,
    );
    process.stdout.write(
      `cancelled agent gone ${Date.now() - started} ms after "cancel" (CANCEL_GRACE_SECONDS=1, then SIGTERM)\n`,
    );

    expect(channelTexts(channel).some((text) => text.includes(`Job ${jobId} cancelled`))).toEqual(
      true,
    );
  });

  it('answers a fix with the build command when the agent image is missing, and frees the channel', async () => {
    slack = await new FakeSlackApi().start();
    redis = await redisTestContext();
    const running = await start({}, 'agentsmith-missing:never-built');
    const channel = newChannel();

    await say(running, channel, 'fix #1 in sleep');
    await waitFor('the reply', () =>
      channelTexts(channel).some((text) => text.includes('not found')),
    );

    expect(channelTexts(channel).find((text) => text.includes('not found'))).toContain(
      'agent image agentsmith-missing:never-built not found — run `docker compose build agentsmith`',
    );
    expect(await redis.redis.get(conversationKey('slack', channel))).toEqual(null);
  });

  it('removes at start-up an agent container that a killed dispatcher created but never started', async () => {
    slack = await new FakeSlackApi().start();
    redis = await redisTestContext();
    const orphan = fakeAgentJobSpec('sleep');
    const resources = { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64 };
    await fixture.docker.createContainer(
      dockerContainerSpec({
        spec: orphan,
        image: fixture.image,
        network: fixture.network,
        resources,
        env: {},
        withConfig: false,
      }),
    );
    const leftBehind = await containerExists(fixture.docker, jobName(orphan.jobId));

    await start({});
    await waitFor(
      'the reaper to remove the orphan',
      async () => !(await containerExists(fixture.docker, jobName(orphan.jobId))),
    );

    expect(leftBehind).toEqual(true);
  });

  it('without a Docker socket: /ready explains, fix is refused with the reason, help still works', async () => {
    slack = await new FakeSlackApi().start();
    redis = await redisTestContext();
    const running = await start({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const channel = newChannel();

    const ready = await fetch(`${running.url}/ready`);
    const readiness = await ready.text();
    await say(running, channel, 'fix #1 in sleep');
    await waitFor('the refusal', () =>
      channelTexts(channel).some((text) => text.includes('/nonexistent/docker.sock')),
    );
    await say(running, channel, 'help');
    await waitFor('the help text', () => channelTexts(channel).length >= 2);

    expect(ready.status).toEqual(503);
    expect(readiness).toContain('no Docker socket at /nonexistent/docker.sock');
    expect(
      channelTexts(channel).find((text) => text.includes('/nonexistent/docker.sock')),
    ).toContain('no Docker socket at /nonexistent/docker.sock');
    expect(await redis.redis.get(conversationKey('slack', channel))).toEqual(null);
  });
});
