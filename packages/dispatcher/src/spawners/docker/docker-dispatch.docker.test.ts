import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import { containerExists, waitForFakeAgentReady } from '@agentsmith/testkit';
import {
  DispatcherHarness,
  fakeCatalog,
  uniqueChannel,
} from '../../../test/support/dispatcher-harness.js';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../../test/support/docker-agent-fixture.js';
import { createSpawner } from '../create-spawner.js';
import type { JobSpawner } from '../job-spawner.js';
import { jobName } from '../job-spawner.js';
import { dockerContainerSpec } from './docker-container-spec.js';

/**
 * Failure paths of the seed through the whole dispatcher (real Redis, real Docker, fake Slack):
 * the fake agent image's project name picks how the "agent" behaves.
 */
let fixture: DockerAgentFixture;
let harness: DispatcherHarness<JobSpawner> | undefined;

/** A dispatcher whose spawner is the Docker spawner its environment describes. */
async function start(
  env: Record<string, string>,
  image = fixture.image,
): Promise<DispatcherHarness<JobSpawner>> {
  harness = await DispatcherHarness.start({
    env: {
      SPAWNER_TYPE: 'docker',
      AGENTSMITH_IMAGE: image,
      DOCKER_NETWORK: fixture.network,
      DOCKER_HOST: fixture.gate.url,
      AGENT_MEMORY: '256m',
      // tmpfs mounts count against the agent's memory; the dispatcher refuses them beyond it.
      AGENT_WORKSPACE_SIZE: '32m',
      AGENT_TMP_SIZE: '16m',
      JOB_MAX_DURATION: '60m',
      CANCEL_GRACE_SECONDS: '30',
      ...env,
    },
    spawner: (config) => createSpawner(config, silentLogger()),
    dependencies: { projects: fakeCatalog(undefined, ['oom', 'sleep']), supervise: true },
  });
  return harness;
}

/** The job id the dispatcher announced in the channel ("Starting job <id> …"). */
async function startedJob(
  running: DispatcherHarness<JobSpawner>,
  channel: string,
): Promise<string> {
  const announced = () =>
    running
      .textsIn(channel)
      .map((text) => /Starting job ([0-9a-f]{12})/.exec(text)?.[1])
      .find(Boolean) ?? '';
  await expect.poll(announced, { message: 'the job to start' }).not.toBe('');
  return announced();
}

beforeAll(async () => {
  fixture = await startDockerAgentFixture('dispatch');
});

afterAll(async () => {
  await fixture?.close();
});

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('spawners through the dispatcher (real Docker)', () => {
  // How fast is the chaos suite's figure ("reported after … s"); here only what the thread says.
  it('reports an agent killed by its memory limit in the thread as out of memory and frees the channel', async () => {
    const running = await start({ AGENT_MEMORY: '64m' });
    const channel = uniqueChannel();

    expect(await running.message(channel, 'fix #1 in oom')).toBe(200);
    const jobId = await startedJob(running, channel);
    const started = Date.now();
    await expect
      .poll(
        () => running.textsIn(channel).some((text) => text.includes('out of memory, exit 137')),
        {
          timeout: 60_000,
          message: 'the out-of-memory report',
        },
      )
      .toBe(true);
    process.stdout.write(
      `out-of-memory death reported in the thread ${Date.now() - started} ms after the job started\n`,
    );
    await expect
      .poll(
        async () => (await running.redis.redis.get(conversationKey('slack', channel))) === null,
        {
          message: 'the channel to be free',
        },
      )
      .toBe(true);

    expect(running.textsIn(channel).filter((text) => text.includes('out of memory'))[0]).toContain(
      'out of memory, exit 137 (memory limit 64 MiB)',
    );
    expect(await containerExists(fixture.docker, jobName(jobId))).toEqual(false);
  });

  it('stops a job past JOB_MAX_DURATION and says so in the thread', async () => {
    const running = await start({ JOB_MAX_DURATION: '3s' });
    const channel = uniqueChannel();

    expect(await running.message(channel, 'fix #1 in sleep')).toBe(200);
    const jobId = await startedJob(running, channel);
    await expect
      .poll(() => running.textsIn(channel).some((text) => text.includes('JOB_MAX_DURATION')), {
        timeout: 30_000,
        message: 'the deadline report',
      })
      .toBe(true);
    await expect
      .poll(async () => !(await containerExists(fixture.docker, jobName(jobId))), {
        timeout: 30_000,
        message: 'the container to be stopped',
      })
      .toBe(true);

    // The expired job is "stopping" until its exit is seen; then the channel is free.
    await expect
      .poll(() => running.redis.redis.get(conversationKey('slack', channel)), {
        timeout: 30_000,
        message: 'the channel to be free',
      })
      .toEqual(null);
  });

  it('`cancel` removes the container within the grace period', async () => {
    const running = await start({ CANCEL_GRACE_SECONDS: '1' });
    const channel = uniqueChannel();
    expect(await running.message(channel, 'fix #1 in sleep')).toBe(200);
    const jobId = await startedJob(running, channel);
    await waitForFakeAgentReady(fixture.docker, jobName(jobId));

    const started = Date.now();
    expect(await running.message(channel, 'cancel')).toBe(200);
    await expect
      .poll(async () => !(await containerExists(fixture.docker, jobName(jobId))), {
        timeout: 15_000,
        message: 'the container to be gone',
      })
      .toBe(true);
    process.stdout.write(
      `cancelled agent gone ${Date.now() - started} ms after "cancel" (CANCEL_GRACE_SECONDS=1, then SIGTERM)\n`,
    );

    expect(
      running.textsIn(channel).some((text) => text.includes(`Job ${jobId} cancelled`)),
    ).toEqual(true);
  });

  it('tells a fix after `cancel` that the channel is stopping, and starts it by itself only once the old container has exited', async () => {
    const stillRunningAtSpawn: boolean[] = [];
    const spawned: string[] = [];
    const running = await start({ CANCEL_GRACE_SECONDS: '1' });
    const spawner = running.spawner;
    const realSpawn = spawner.spawn.bind(spawner);
    spawner.spawn = async (spec, signal, environment) => {
      const previous = spawned.at(-1);
      if (previous) {
        const state = await fixture.docker
          .getContainer(jobName(previous))
          .inspect()
          .then(
            (info) => info.State.Running,
            () => false,
          );
        stillRunningAtSpawn.push(state);
      }
      spawned.push(spec.jobId);
      return realSpawn(spec, signal, environment);
    };
    const channel = uniqueChannel();
    expect(await running.message(channel, 'fix #1 in sleep')).toBe(200);
    const old = await startedJob(running, channel);
    await waitForFakeAgentReady(fixture.docker, jobName(old));

    expect(await running.message(channel, 'cancel')).toBe(200);
    await expect
      .poll(() => running.textsIn(channel).some((text) => text.includes('; stopping it')), {
        message: 'the cancel reply',
      })
      .toBe(true);
    expect(await running.message(channel, 'fix #2 in sleep')).toBe(200);
    const queued = () =>
      running
        .textsIn(channel, 'chat.postMessage')
        .find((text) => text.includes(': queued, position'));
    await expect.poll(queued, { message: 'the queued reply' }).toBeDefined();
    const next = /^Job (\w+) /.exec(queued() ?? '')?.[1] ?? '';
    await expect
      .poll(() => running.textsIn(channel, 'chat.update'), {
        timeout: 30_000,
        message: 'the queued job to start by itself',
      })
      .toContain(`Starting job ${next} for #2 in sleep`);

    await expect.poll(() => spawned, { message: 'the second spawn' }).toEqual([old, next]);

    expect(queued()).toContain(`job ${old} is stopping; this one starts by itself`);
    expect(stillRunningAtSpawn).toEqual([false]);
    await running.message(channel, 'cancel');
    await expect
      .poll(async () => !(await containerExists(fixture.docker, jobName(next))), {
        timeout: 30_000,
        message: 'the second container to be gone',
      })
      .toBe(true);
  });

  it('answers a fix with the build command when the agent image is missing, and frees the channel', async () => {
    const running = await start({}, 'agentsmith-missing:never-built');
    const channel = uniqueChannel();

    expect(await running.message(channel, 'fix #1 in sleep')).toBe(200);
    await expect
      .poll(() => running.textsIn(channel).some((text) => text.includes('not found')), {
        message: 'the reply',
      })
      .toBe(true);

    expect(running.textsIn(channel).find((text) => text.includes('not found'))).toContain(
      'agent image agentsmith-missing:never-built not found — run `docker compose build agentsmith`',
    );
    expect(await running.redis.redis.get(conversationKey('slack', channel))).toEqual(null);
  });

  it('removes at start-up an agent container that a killed dispatcher created but never started', async () => {
    const orphan = fakeAgentJobSpec('sleep');
    const resources = { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64 };
    await fixture.docker.createContainer(
      dockerContainerSpec({
        spec: orphan,
        image: fixture.image,
        network: fixture.network,
        resources,
        env: {},
        config: undefined,
      }),
    );
    const leftBehind = await containerExists(fixture.docker, jobName(orphan.jobId));

    await start({});
    await expect
      .poll(async () => !(await containerExists(fixture.docker, jobName(orphan.jobId))), {
        message: 'the reaper to remove the orphan',
      })
      .toBe(true);

    expect(leftBehind).toEqual(true);
  });

  it('without a Docker socket: /ready explains, fix is refused with the reason, help still works', async () => {
    const running = await start({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const channel = uniqueChannel();

    const ready = await fetch(`${running.dispatcher.opsUrl}/ready`);
    const readiness = await ready.text();
    expect(await running.message(channel, 'fix #1 in sleep')).toBe(200);
    await expect
      .poll(
        () => running.textsIn(channel).some((text) => text.includes('/nonexistent/docker.sock')),
        {
          message: 'the refusal',
        },
      )
      .toBe(true);
    expect(await running.message(channel, 'help')).toBe(200);
    await expect
      .poll(() => running.textsIn(channel).length >= 2, { message: 'the help text' })
      .toBe(true);

    expect(ready.status).toEqual(503);
    expect(readiness).toContain('no Docker socket at /nonexistent/docker.sock');
    expect(
      running.textsIn(channel).find((text) => text.includes('/nonexistent/docker.sock')),
    ).toContain('no Docker socket at /nonexistent/docker.sock');
    expect(await running.redis.redis.get(conversationKey('slack', channel))).toEqual(null);
  });
});
