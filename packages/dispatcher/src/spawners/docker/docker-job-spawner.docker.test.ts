import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec } from '@agentsmith/contracts';
import { TEST_RUN_LABEL, containerExists, waitForFakeAgentReady } from '@agentsmith/testkit';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../../test/support/docker-agent-fixture.js';
import { fieldsFromArray, forwardedAgentEnv } from '@agentsmith/contracts';
import { DockerJobSpawner } from './docker-job-spawner.js';
import { detectDockerNetwork } from './docker-network.js';
import { jobName } from '../job-spawner.js';
import type { DockerSpawnerSettings } from '../../config/spawner-settings.js';

let fixture: DockerAgentFixture;
let docker: Docker;
let image: string;
let network: string;
let redis: Redis;

function jobSpec(scenario: string): JobSpec {
  return fakeAgentJobSpec(scenario);
}

function settings(overrides: Partial<DockerSpawnerSettings> = {}): DockerSpawnerSettings {
  return {
    image,
    ...fixture.engine,
    network,
    resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 128 },
    ...overrides,
  };
}

function newSpawner(
  overrides: Partial<DockerSpawnerSettings> = {},
  agentEnv: Record<string, string> = {},
  configText = 'projects: {}\n',
): DockerJobSpawner {
  return new DockerJobSpawner({
    settings: settings(overrides),
    agentEnv,
    readAgentConfig: () => Promise.resolve(configText),
  });
}

/** What the fake agent's `report` scenario saw inside its container. */
async function reportOf(jobId: string): Promise<{ env: string[]; config: string | null }> {
  const entries = await redis.xrange(`job:${jobId}:out`, '-', '+');
  const detail = entries
    .map(([, flat]) => fieldsFromArray(flat))
    .find((entry) => entry['type'] === 'detail');
  return JSON.parse(String(detail?.['text'])) as { env: string[]; config: string | null };
}

beforeAll(async () => {
  fixture = await startDockerAgentFixture('spawner');
  ({ docker, image, network, redis } = fixture);
});

afterAll(async () => {
  await fixture?.close();
});

describe('spawners/docker-job-spawner', () => {
  it('runs the agent as agentsmith-<jobId> with the labels, on the network, and reaches redis:6379', async () => {
    const dispatcherEnv = {
      GITHUB_TOKEN: 'ghp_test',
      OPENAI_BASE_URL: 'http://llm:4000',
      SLACK_BOT_TOKEN: 'xoxb-never',
      AGENTSMITH_GIT_AUTHOR_NAME: 'Agent Smith',
      PATH: '/bin',
    };
    const spawner = newSpawner({}, forwardedAgentEnv(dispatcherEnv));
    const spec = jobSpec('report');

    // The job's own secrets arrive as environment variables; the dispatcher's stay home.
    const jobId = await spawner.spawn(spec, undefined, { AGENTSMITH_JOB_TOKEN: 'asjob_test' });
    const exit = await spawner.waitForExit(jobId);
    const entries = await redis.xrange(`job:${jobId}:out`, '-', '+');
    await spawner.close();

    expect(spawner.engineAddress).toEqual(fixture.gate.url);
    expect(exit).toEqual({ jobId, reason: 'exited', exitCode: 0, message: 'finished (exit 0)' });
    const fields = entries.map(([, flat]) => fieldsFromArray(flat));
    expect(fields.map((entry) => entry['type'])).toEqual(['progress', 'detail', 'done']);
    const sandbox = JSON.parse(String(fields[1]?.['text']));
    expect(sandbox).toEqual({
      uid: 1000,
      rootReadOnly: true,
      workspaceWritable: true,
      env: [
        'AGENTSMITH_CONFIG_TEXT',
        'AGENTSMITH_GIT_AUTHOR_NAME',
        'AGENTSMITH_JOB_CREATED_AT',
        'AGENTSMITH_JOB_MAX_DURATION_SECONDS',
        'AGENTSMITH_JOB_SPEC_VERSION',
        'AGENTSMITH_JOB_TOKEN',
        'AGENTSMITH_WORKDIR',
      ],
      args: [
        '--headless',
        '--job-id',
        jobId,
        '--redis-url',
        'redis:6379',
        '--platform',
        'slack',
        '--channel-id',
        'C0TEST',
        'fix #58 in report',
      ],
      config: 'projects: {}\n',
    });
    await expect
      .poll(async () => !(await containerExists(docker, jobName(jobId))), { message: 'AutoRemove' })
      .toBe(true);
  });

  it('copies a configuration too large for the environment into the container as a file instead', async () => {
    const large = `projects: {}\n${'# padding\n'.repeat(8_000)}`;
    const spawner = newSpawner({}, {}, large);
    const spec = jobSpec('report');

    const jobId = await spawner.spawn(spec);
    const exit = await spawner.waitForExit(jobId);
    await spawner.close();

    expect(exit.exitCode).toBe(0);
    const report = await reportOf(jobId);
    expect(report.env).toContain('AGENTSMITH_CONFIG');
    expect(report.env).not.toContain('AGENTSMITH_CONFIG_TEXT');
    expect(report.config).toBe(large);
  });

  it("runs the project's own image (JobSpec.image) instead of the default one", async () => {
    const spawner = newSpawner({ image: 'agentsmith-missing:default-never-built' });
    const spec = { ...jobSpec('sleep'), image };

    await spawner.spawn(spec);
    const info = await docker.getContainer(jobName(spec.jobId)).inspect();
    await spawner.stop(spec.jobId, { graceSeconds: 5 });
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();

    expect(info.Config.Image).toEqual(image);
    expect(exit.jobId).toEqual(spec.jobId);
  });

  it('shows the running container with its name, labels, network and hardening', async () => {
    const spawner = newSpawner();
    const spec = jobSpec('sleep');

    await spawner.spawn(spec);
    await waitForFakeAgentReady(docker, jobName(spec.jobId));
    const info = await docker.getContainer(jobName(spec.jobId)).inspect();
    const listed = await spawner.listJobs();
    await spawner.stop(spec.jobId, { graceSeconds: 5 });
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();

    expect(info.Name).toEqual(`/agentsmith-${spec.jobId}`);
    expect(
      Object.fromEntries(
        Object.entries(info.Config.Labels).filter(
          ([key]) => key !== TEST_RUN_LABEL && !key.startsWith('com.docker.compose.'),
        ),
      ),
    ).toEqual({
      app: 'agentsmith',
      'job-id': spec.jobId,
      platform: 'slack',
      project: 'sleep',
      'managed-by': 'agentsmith-dispatcher',
    });
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([network]);
    expect({
      autoRemove: info.HostConfig.AutoRemove,
      init: info.HostConfig.Init,
      capDrop: info.HostConfig.CapDrop,
      securityOpt: info.HostConfig.SecurityOpt,
      readOnly: info.HostConfig.ReadonlyRootfs,
      user: info.Config.User,
      memory: info.HostConfig.Memory,
      pids: info.HostConfig.PidsLimit,
      nanoCpus: info.HostConfig.NanoCpus,
    }).toEqual({
      autoRemove: true,
      init: true,
      capDrop: ['ALL'],
      securityOpt: ['no-new-privileges'],
      readOnly: true,
      user: '1000:1000',
      memory: 256 * 1024 ** 2,
      pids: 128,
      nanoCpus: 1e9,
    });
    expect(
      listed.filter((job) => job.jobId === spec.jobId).map((job) => [job.name, job.running]),
    ).toEqual([[`agentsmith-${spec.jobId}`, true]]);
    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'stopped',
      exitCode: 143,
      message: 'stopped by the dispatcher, exit 143',
    });
    await expect
      .poll(async () => !(await containerExists(docker, jobName(spec.jobId))), {
        message: 'AutoRemove',
      })
      .toBe(true);
  });

  it('works against the raw engine socket as well as through the gate', async () => {
    const spawner = new DockerJobSpawner({
      settings: {
        image,
        socketPath: '/var/run/docker.sock',
        network,
        resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64 },
      },
      agentEnv: {},
      readAgentConfig: () => Promise.resolve('projects: {}\n'),
    });
    const spec = jobSpec('exit-3');

    await spawner.spawn(spec);
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();

    expect([spawner.engineAddress, exit.exitCode]).toEqual(['/var/run/docker.sock', 3]);
  });

  it('captures a non-zero exit code although the container removes itself', async () => {
    const spawner = newSpawner();
    const spec = jobSpec('exit-3');

    await spawner.spawn(spec);
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();

    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'exited',
      exitCode: 3,
      message: 'exited with code 3',
    });
  });

  it('reports an agent killed by a tiny memory limit as out of memory', async () => {
    const spawner = newSpawner({
      resources: { memoryBytes: 64 * 1024 ** 2, cpus: 1, pidsLimit: 64 },
    });
    const spec = jobSpec('oom');
    const started = Date.now();

    await spawner.spawn(spec);
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();

    process.stdout.write(`out-of-memory death reported ${Date.now() - started} ms after spawn\n`);
    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'out_of_memory',
      exitCode: 137,
      message: 'out of memory, exit 137 (memory limit 64 MiB)',
    });
  });

  it('limits the workspace to AGENT_WORKSPACE_SIZE: writing past it fails with ENOSPC', async () => {
    const limit = 1024 ** 2;
    const spawner = newSpawner({
      resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 64, workspaceBytes: limit },
    });
    const spec = jobSpec('fill-workspace');

    await spawner.spawn(spec);
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();
    const entries = await redis.xrange(`job:${spec.jobId}:out`, '-', '+');
    const detail = entries.map(([, flat]) => flat).find((flat) => flat.includes('detail')) ?? [];
    const filled = JSON.parse(detail[detail.indexOf('text') + 1] ?? '{}') as {
      code: string;
      written: number;
      size: number;
    };

    expect([exit.exitCode, filled.code, filled.size]).toEqual([0, 'ENOSPC', limit]);
    expect(filled.written).toBeGreaterThan(limit / 2);
    expect(filled.written).toBeLessThanOrEqual(limit);
  });

  it('kills an agent that ignores SIGTERM once the grace period is over', async () => {
    const spawner = newSpawner();
    const spec = jobSpec('stubborn');
    await spawner.spawn(spec);
    await waitForFakeAgentReady(docker, jobName(spec.jobId));
    const started = Date.now();

    await spawner.stop(spec.jobId, { graceSeconds: 1 });
    const exit = await spawner.waitForExit(spec.jobId);
    await spawner.close();

    process.stdout.write(
      `stubborn agent gone ${Date.now() - started} ms after stop with a 1 s grace\n`,
    );
    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'stopped',
      exitCode: 137,
      message: 'stopped by the dispatcher, exit 137',
    });
    await expect
      .poll(async () => !(await containerExists(docker, jobName(spec.jobId))), {
        message: 'AutoRemove',
      })
      .toBe(true);
  });

  it('reports a job it never saw as vanished, and adopts one that still runs', async () => {
    const first = newSpawner();
    const spec = jobSpec('sleep');
    await first.spawn(spec);
    await waitForFakeAgentReady(docker, jobName(spec.jobId));
    await first.close();
    const second = newSpawner();

    const vanished = await second.waitForExit('0123456789ab');
    const adopted = second.waitForExit(spec.jobId);
    await second.stop(spec.jobId, { graceSeconds: 2 });
    const exit = await adopted;
    await second.close();

    expect(vanished).toEqual({
      jobId: '0123456789ab',
      reason: 'vanished',
      message: 'container agentsmith-0123456789ab is gone',
    });
    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'stopped',
      exitCode: 143,
      message: 'stopped by the dispatcher, exit 143',
    });
  });
});

describe('spawners/docker-network', () => {
  it("finds a container's user-defined network from its id", async () => {
    const detected = await detectDockerNetwork(docker, {
      hostname: () => 'not-a-container',
      procFiles: () =>
        Promise.resolve([
          `0::/docker/${'f'.repeat(64)}\n`,
          `… /docker/containers/${fixture.redisContainerId}/hostname …`,
        ]),
    });

    expect(detected).toEqual(network);
  });

  it('falls back to bridge outside a container', async () => {
    const detected = await detectDockerNetwork(docker, {
      hostname: () => 'not-a-container',
      procFiles: () => Promise.resolve(['']),
    });

    expect(detected).toEqual('bridge');
  });
});
