import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey, jobIndexKey } from '@agentsmith/contracts';
import { containerExists, waitFor, waitForFakeAgentReady } from '@agentsmith/testkit';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../test/support/docker-agent-fixture.js';
import { DockerJobSpawner } from './docker-job-spawner.js';
import { redisJobLookups } from './job-redis-lookups.js';
import { jobName, type JobExit } from './job-spawner.js';
import { JobSupervisor } from './job-supervisor.js';
import { JobWatchdog, type JobLostReporter } from './job-watchdog.js';

let fixture: DockerAgentFixture;

function newSpawner(memoryBytes = 256 * 1024 ** 2): DockerJobSpawner {
  return new DockerJobSpawner({
    settings: {
      image: fixture.image,
      ...fixture.engine,
      network: fixture.network,
      resources: { memoryBytes, cpus: 1, pidsLimit: 64 },
    },
    agentEnv: {},
    // The configuration volume is the agent's one volume (workspace and /tmp are tmpfs).
    readAgentConfig: () => Promise.resolve('projects: {}\n'),
  });
}

class RecordingReporter implements JobLostReporter {
  readonly reports: Array<{ jobId: string; reason: string; kind: JobExit['reason'] }> = [];
  reportJobLost(jobId: string, reason: string, exit: JobExit): Promise<void> {
    this.reports.push({ jobId, reason, kind: exit.reason });
    return Promise.resolve();
  }
}

function lookups() {
  const redis = fixture.redis;
  return redisJobLookups({
    get: (key) => redis.get(key),
    lastEntries: (key, count) => redis.xrevrange(key, '+', '-', 'COUNT', count),
  });
}

async function holdChannel(jobId: string, channelId: string): Promise<void> {
  const key = conversationKey('slack', channelId);
  const state = {
    schemaVersion: 1,
    jobId,
    platform: 'slack',
    channelId,
    project: 'sleep',
    ticketId: '58',
    startedAt: Date.now(),
    deadlineAt: Date.now() + 60_000,
  };
  await fixture.redis.set(key, JSON.stringify(state));
  await fixture.redis.set(jobIndexKey(jobId), key);
}

beforeAll(async () => {
  fixture = await startDockerAgentFixture('supervision');
});

afterAll(async () => {
  await fixture?.close();
});

describe('spawners/job-watchdog (real Docker)', () => {
  it('reports an agent killed by its memory limit within 10 s, with the reason', async () => {
    const spawner = newSpawner(64 * 1024 ** 2);
    const reporter = new RecordingReporter();
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: lookups() });
    const spec = fakeAgentJobSpec('oom');

    await spawner.spawn(spec);
    const started = Date.now();
    await watchdog.watchSpec(spec);
    process.stdout.write(
      `watchdog reported the OOM death ${Date.now() - started} ms after spawn\n`,
    );
    await spawner.close();

    expect(reporter.reports).toEqual([
      {
        jobId: spec.jobId,
        reason: 'out of memory, exit 137 (memory limit 64 MiB)',
        kind: 'out_of_memory',
      },
    ]);
  });

  it('stays silent when the agent published its done entry', async () => {
    const spawner = newSpawner();
    const reporter = new RecordingReporter();
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: lookups() });
    const spec = fakeAgentJobSpec('report');

    await spawner.spawn(spec);
    await watchdog.watchSpec(spec);
    await spawner.close();

    expect(reporter.reports).toEqual([]);
  });

  it('stops a job over its deadline and reports it', async () => {
    const spawner = newSpawner();
    const reporter = new RecordingReporter();
    const watchdog = new JobWatchdog({
      spawner,
      reporter,
      finalEntries: lookups(),
      stopGraceSeconds: 2,
    });
    const spec = fakeAgentJobSpec('stubborn', { maxDurationSeconds: 2 });

    await spawner.spawn(spec);
    await watchdog.watchSpec(spec);
    await spawner.close();

    expect(reporter.reports).toEqual([
      {
        jobId: spec.jobId,
        reason: 'stopped after exceeding its deadline of 2 s (JOB_MAX_DURATION)',
        kind: 'deadline_exceeded',
      },
    ]);
    await waitFor(
      'the stopped container to be removed',
      async () => !(await containerExists(fixture.docker, jobName(spec.jobId))),
    );
  });
});

describe('spawners/job-supervisor (real Docker)', () => {
  it('removes the orphan of a killed dispatcher and adopts the job that still holds its channel', async () => {
    const before = newSpawner();
    const orphan = fakeAgentJobSpec('sleep');
    const owned = fakeAgentJobSpec('sleep', { channelId: 'C0OWNED' });
    await before.spawn(orphan);
    await before.spawn(owned);
    await waitForFakeAgentReady(fixture.docker, jobName(owned.jobId));
    await holdChannel(owned.jobId, 'C0OWNED');
    await before.close();
    const orphanVolumes = (
      await fixture.docker.getContainer(jobName(orphan.jobId)).inspect()
    ).Mounts.map((mount) => mount.Name ?? '');
    const spawner = newSpawner();
    const reporter = new RecordingReporter();
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: lookups() });
    const supervisor = new JobSupervisor({
      spawner,
      watchdog,
      activeJobs: lookups(),
      maxDurationSeconds: 3600,
      minAgeMs: 0,
    });

    const result = await supervisor.start();
    await waitFor(
      'the orphan to be gone',
      async () => !(await containerExists(fixture.docker, jobName(orphan.jobId))),
    );
    const adopted = watchdog.watching;
    await spawner.stop(owned.jobId, { graceSeconds: 2 });
    await waitFor('the adopted job to be reported', () => reporter.reports.length > 0);
    await supervisor.close();
    watchdog.close();
    await spawner.close();

    const leftVolumes = await Promise.all(
      orphanVolumes.map((name) =>
        fixture.docker
          .getVolume(name)
          .inspect()
          .then(
            () => name,
            () => undefined,
          ),
      ),
    );
    expect([orphanVolumes.length, leftVolumes.filter(Boolean)]).toEqual([1, []]);
    expect(result?.removed.filter((id) => id === orphan.jobId || id === owned.jobId)).toEqual([
      orphan.jobId,
    ]);
    expect(adopted).toContain(owned.jobId);
    expect(reporter.reports).toEqual([
      { jobId: owned.jobId, reason: 'stopped by the dispatcher, exit 143', kind: 'stopped' },
    ]);
  });
});
