import Docker from 'dockerode';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';
import {
  TEST_RUN_LABEL,
  containerExists,
  testRunId,
  waitForFakeAgentReady,
} from '@agentsmith/testkit';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../../test/support/docker-agent-fixture.js';
import { DockerJobSpawner, type DockerJobSpawnerOptions } from './docker-job-spawner.js';
import { detectDockerNetwork } from './docker-network.js';
import { jobName } from '../job-spawner.js';
import type { DockerSpawnerSettings } from '../../config/spawner-settings.js';

/** What the Docker spawner leaves behind when things go wrong, and what it treats as its own. */
let fixture: DockerAgentFixture;

function newSpawner(
  overrides: Partial<DockerSpawnerSettings> = {},
  options: Partial<DockerJobSpawnerOptions> = {},
): DockerJobSpawner {
  return new DockerJobSpawner({
    settings: {
      image: fixture.image,
      ...fixture.engine,
      network: fixture.network,
      resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64 },
      ...overrides,
    },
    agentEnv: {},
    readAgentConfig: () => Promise.resolve('projects: {}\n'),
    ...options,
  });
}

function jobSpec(scenario: string): JobSpec {
  return fakeAgentJobSpec(scenario);
}

beforeAll(async () => {
  fixture = await startDockerAgentFixture('cleanup');
});

afterAll(async () => {
  await fixture?.close();
});

describe('spawners/docker-job-spawner (failure paths and ownership)', () => {
  it('removes the container it created when the spawn is aborted before the start', async () => {
    const controller = new AbortController();
    const spawner = newSpawner(
      {},
      {
        // Aborts after the last check before create: the container exists, the start must not follow.
        readAgentConfig: () => {
          controller.abort(new Error('shutting down'));
          return Promise.resolve('projects: {}\n');
        },
      },
    );
    const spec = jobSpec('sleep');

    const error = await spawner.spawn(spec, controller.signal).catch((caught: unknown) => caught);
    const exists = await containerExists(fixture.docker, jobName(spec.jobId));
    await spawner.close();

    expect([(error as Error).message, exists]).toEqual(['cancelled', false]);
  });

  it('creates and configures the container while the dispatcher announces the job, and starts it only after', async () => {
    const spawner = newSpawner();
    const spec = jobSpec('sleep');
    let announce = (): void => undefined;
    const announced = new Promise<void>((resolve) => (announce = resolve));
    const name = jobName(spec.jobId);

    const spawned = spawner.spawn(spec, undefined, {}, announced);
    await expect
      .poll(() => containerExists(fixture.docker, name), { message: 'the container to be created' })
      .toBe(true);
    const beforeAnnounced = (await fixture.docker.getContainer(name).inspect()).State.Status;
    announce();
    await spawned;
    const afterAnnounced = (await fixture.docker.getContainer(name).inspect()).State.Status;
    await spawner.remove(spec.jobId);
    await spawner.close();

    expect([beforeAnnounced, afterAnnounced]).toEqual(['created', 'running']);
  });

  it('removes the prepared container and starts nothing when the announcement fails', async () => {
    const spawner = newSpawner();
    const spec = jobSpec('sleep');
    const postFailed = new AppError('slack_api_failed', 'Slack refused the message');
    const announced = Promise.reject(postFailed);
    announced.catch(() => undefined); // the caller watches it too, as startAdmittedJob does

    const error = await spawner
      .spawn(spec, undefined, {}, announced)
      .catch((caught: unknown) => caught);
    const exists = await containerExists(fixture.docker, jobName(spec.jobId));
    await spawner.close();

    expect([error, exists]).toEqual([postFailed, false]);
  });

  it('leaves no abort listener behind on a long-lived signal once a job has ended', async () => {
    const watchdogLifetime = new AbortController();
    const spawner = newSpawner();
    const spec = jobSpec('exit-3');
    await spawner.spawn(spec);

    const exit = await spawner.waitForExit(spec.jobId, watchdogLifetime.signal);
    await spawner.close();

    expect([exit.exitCode, getEventListeners(watchdogLifetime.signal, 'abort').length]).toEqual([
      3, 0,
    ]);
  });

  it('lists only the agents on its own network: another installation’s are not its to reap', async () => {
    const otherNetwork = `agentsmith-test-other-${testRunId}`;
    await fixture.docker.createNetwork({
      Name: otherNetwork,
      Labels: { [TEST_RUN_LABEL]: testRunId },
    });
    const ours = newSpawner();
    const theirs = newSpawner({ network: otherNetwork });
    const spec = jobSpec('sleep');
    try {
      await ours.spawn(spec);
      await waitForFakeAgentReady(fixture.docker, jobName(spec.jobId));

      const listedByUs = (await ours.listJobs()).map((job) => job.jobId);
      const listedByThem = (await theirs.listJobs()).map((job) => job.jobId);

      expect([listedByUs.includes(spec.jobId), listedByThem.includes(spec.jobId)]).toEqual([
        true,
        false,
      ]);
    } finally {
      await ours.remove(spec.jobId);
      await expect
        .poll(async () => !(await containerExists(fixture.docker, jobName(spec.jobId))), {
          message: 'the agent to be gone',
        })
        .toBe(true);
      await ours.close();
      await theirs.close();
      await fixture.docker.getNetwork(otherNetwork).remove();
    }
  });

  it('refuses to spawn when the agent image is missing and says how to build it', async () => {
    const spawner = newSpawner({ image: `agentsmith-missing:${testRunId}` });

    const error = await spawner.spawn(jobSpec('report')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).code, (error as AppError).message]).toEqual([
      'agent_image_missing',
      `agent image agentsmith-missing:${testRunId} not found — run \`docker compose build agentsmith\``,
    ]);
  });

  it('explains a missing Docker socket in readiness and on spawn', async () => {
    const spawner = new DockerJobSpawner({
      settings: {
        image: fixture.image,
        socketPath: '/nonexistent/docker.sock',
        resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64 },
      },
      agentEnv: {},
    });

    const readiness = await spawner.checkReadiness();
    const error = await spawner.spawn(jobSpec('report')).catch((caught: unknown) => caught);

    const reason =
      'no Docker socket at /nonexistent/docker.sock: set DOCKER_HOST to the docker-gate (docker-compose.yml sets tcp://docker-gate:2375) or mount the socket';
    expect(readiness).toEqual({ ready: false, reason });
    expect([(error as AppError).code, (error as AppError).message]).toEqual([
      'spawner_unavailable',
      reason,
    ]);
  });

  it('does not guess a network while the engine cannot be reached', async () => {
    const unreachable = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const spawner = new DockerJobSpawner({
      settings: {
        image: fixture.image,
        socketPath: '/nonexistent/docker.sock',
        resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64 },
      },
      agentEnv: {},
      docker: unreachable,
    });

    const detected = await detectDockerNetwork(unreachable, {
      hostname: () => 'dispatcher',
      procFiles: () => Promise.resolve(['']),
    }).catch((caught: unknown) => (caught as { code?: string }).code);
    const listed = await spawner.listJobs().catch((caught: unknown) => (caught as AppError).code);

    expect([detected, listed]).toEqual(['ENOENT', 'spawner_unavailable']);
  });
});
