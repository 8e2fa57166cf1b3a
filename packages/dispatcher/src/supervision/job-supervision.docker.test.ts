import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_CONFIG_MAX_BYTES, conversationKey, jobIndexKey } from '@agentsmith/contracts';
import { containerExists, waitForFakeAgentReady } from '@agentsmith/testkit';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../test/support/docker-agent-fixture.js';
import { silentLogger } from '@agentsmith/kit';
import { RedisConversationStateManager } from '../conversations/redis-conversation-state-manager.js';
import { dispatcherKeys } from '../jobs/job-keys.js';
import { RedisJobStore } from '../jobs/redis-job-store.js';
import { DockerJobSpawner } from '../spawners/docker/docker-job-spawner.js';
import { jobName, type JobExit } from '../spawners/job-spawner.js';
import { JobSupervisor } from './job-supervisor.js';
import { JobWatchdog, type JobLostReporter } from './job-watchdog.js';

let fixture: DockerAgentFixture;

const LARGE_CONFIG = `projects: {}\n${'#'.repeat(INLINE_CONFIG_MAX_BYTES)}\n`;

function newSpawner(memoryBytes = 256 * 1024 ** 2): DockerJobSpawner {
  return new DockerJobSpawner({
    settings: {
      image: fixture.image,
      ...fixture.engine,
      network: fixture.network,
      resources: { memoryBytes, cpus: 1, pidsLimit: 64 },
    },
    agentEnv: {},
    // Too large for the environment, so it is copied into a volume: the agent's one volume
    // (workspace and /tmp are tmpfs), which must leave with its container.
    readAgentConfig: () => Promise.resolve(LARGE_CONFIG),
  });
}

class RecordingReporter implements JobLostReporter {
  readonly reports: Array<{ jobId: string; reason: string; kind: JobExit['reason'] }> = [];
  reportJobLost(jobId: string, reason: string, exit: JobExit): Promise<void> {
    this.reports.push({ jobId, reason, kind: exit.reason });
    return Promise.resolve();
  }
}

/** The job store the watchdog asks for final entries, on the fixture's Redis. */
function jobStore(): RedisJobStore {
  return new RedisJobStore(fixture.redis, dispatcherKeys('supervision-test:'));
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

describe('supervision/job-watchdog (real Docker)', () => {
  it('reports an agent killed by its memory limit, with the reason (and prints how fast)', async () => {
    const spawner = newSpawner(64 * 1024 ** 2);
    const reporter = new RecordingReporter();
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: jobStore() });
    const spec = fakeAgentJobSpec('oom');

    await spawner.spawn(spec);
    const started = Date.now();
    await watchdog.watch(spec.jobId);
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
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: jobStore() });
    const spec = fakeAgentJobSpec('report');

    await spawner.spawn(spec);
    await watchdog.watch(spec.jobId);
    await spawner.close();

    expect(reporter.reports).toEqual([]);
  });
});

describe('supervision/job-supervisor (real Docker)', () => {
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
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: jobStore() });
    const supervisor = new JobSupervisor({
      spawner,
      watchdog,
      conversations: new RedisConversationStateManager(fixture.redis, silentLogger()),
      minAgeMs: 0,
    });

    const result = await supervisor.start();
    await expect
      .poll(async () => !(await containerExists(fixture.docker, jobName(orphan.jobId))), {
        message: 'the orphan to be gone',
      })
      .toBe(true);
    const adopted = watchdog.watching;
    await spawner.stop(owned.jobId, { graceSeconds: 2 });
    await expect
      .poll(() => reporter.reports.length > 0, { message: 'the adopted job to be reported' })
      .toBe(true);
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

  it('reports a spawned job whose container vanished while no dispatcher watched (the engine restarted with it)', async () => {
    const before = newSpawner();
    const gone = fakeAgentJobSpec('sleep', { channelId: 'C0GONE' });
    await before.spawn(gone);
    await waitForFakeAgentReady(fixture.docker, jobName(gone.jobId));
    await holdChannel(gone.jobId, 'C0GONE');
    await before.close();
    // What a daemon restart does to a running agent: its container is simply no longer there.
    await fixture.docker.getContainer(jobName(gone.jobId)).remove({ force: true });
    const spawner = newSpawner();
    const reporter = new RecordingReporter();
    const watchdog = new JobWatchdog({ spawner, reporter, finalEntries: jobStore() });
    const supervisor = new JobSupervisor({
      spawner,
      watchdog,
      conversations: new RedisConversationStateManager(fixture.redis, silentLogger()),
      minAgeMs: 0,
      // The tracked jobs whose spawn completed; a job still being spawned is not among them.
      spawnedJobs: () => Promise.resolve([gone.jobId]),
    });

    await supervisor.start();
    await expect
      .poll(() => reporter.reports.length > 0, { message: 'the vanished job to be reported' })
      .toBe(true);
    await supervisor.close();
    watchdog.close();
    await spawner.close();

    expect(reporter.reports).toEqual([
      { jobId: gone.jobId, reason: expect.stringContaining('gone') as string, kind: 'vanished' },
    ]);
  });
});
