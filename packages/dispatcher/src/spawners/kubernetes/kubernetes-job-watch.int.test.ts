import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeKubernetesApi } from '@agentsmith/testkit';
import {
  fakeAgentPod as pod,
  kubernetesJobSpec as jobSpec,
  startFakeKubernetes,
} from '../../../test/support/kubernetes-spawner-fixture.js';
import type { KubernetesJobSpawner } from './kubernetes-job-spawner.js';

let api: FakeKubernetesApi;
let spawner: KubernetesJobSpawner;

beforeEach(async () => {
  ({ api, spawner } = await startFakeKubernetes());
});

afterEach(async () => {
  await spawner.close();
  await api.stop();
});

const lists = (collection: 'jobs' | 'pods') =>
  api
    .requests('GET', new RegExp(`/${collection}$`))
    .filter((request) => request.query.get('watch') !== 'true');
const watches = (collection: 'jobs' | 'pods') =>
  api
    .requests('GET', new RegExp(`/${collection}$`))
    .filter((request) => request.query.get('watch') === 'true');

describe('spawners/kubernetes: exits through the watch', () => {
  it('lists once and then only watches, however many jobs wait and however long', async () => {
    const specs = [jobSpec(), jobSpec(), jobSpec()];
    for (const spec of specs) await spawner.spawn(spec);
    const exits = specs.map((spec) => spawner.waitForExit(spec.jobId));
    const name = (index: number) => `agentsmith-${specs[index]?.jobId}`;

    api.pods.set(name(0), [pod(name(0), { running: {} })]);
    api.pods.set(name(1), [pod(name(1), { running: {} })]);
    api.pods.set(name(2), [pod(name(2), { running: {} })]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.pods.set(name(0), [pod(name(0), { terminated: { exitCode: 0 } }, 'Succeeded')]);
    api.setJobStatus(name(1), { conditions: [{ type: 'Complete', status: 'True' }] });
    api.pods.set(name(2), [
      pod(name(2), { terminated: { exitCode: 137, reason: 'OOMKilled' } }, 'Failed'),
    ]);

    await expect(Promise.all(exits)).resolves.toEqual([
      expect.objectContaining({ reason: 'exited', exitCode: 0 }),
      expect.objectContaining({ reason: 'exited', exitCode: 0 }),
      expect.objectContaining({ reason: 'out_of_memory', exitCode: 137 }),
    ]);
    expect([lists('jobs').length, lists('pods').length]).toEqual([1, 1]);
    expect([watches('jobs').length, watches('pods').length]).toEqual([1, 1]);
    expect(api.requests('GET', /\/jobs\/agentsmith-/)).toHaveLength(0);
  });

  it('resumes a closed watch from the last resourceVersion, without listing again', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    const exit = spawner.waitForExit(spec.jobId);
    await expect.poll(() => api.watching).toBe(2);
    const listed = Number(lists('jobs')[0]?.query.get('resourceVersion') ?? 0);

    api.closeWatches();
    api.setJobStatus(`agentsmith-${spec.jobId}`, {
      conditions: [{ type: 'Complete', status: 'True' }],
    });

    await expect(exit).resolves.toMatchObject({ reason: 'exited', exitCode: 0 });
    expect(lists('jobs')).toHaveLength(1);
    const resumedFrom = watches('jobs').map((request) =>
      Number(request.query.get('resourceVersion')),
    );
    expect(resumedFrom.length).toBeGreaterThanOrEqual(2);
    expect(resumedFrom.at(-1)).toBeGreaterThan(listed);
  });

  it('lists again after 410 Gone and still sees the exit that happened meanwhile', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    const exit = spawner.waitForExit(spec.jobId);
    await expect.poll(() => api.watching).toBe(2);

    api.expireHistory();
    api.setJobStatus(`agentsmith-${spec.jobId}`, {
      conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }],
    });

    await expect(exit).resolves.toMatchObject({ reason: 'deadline_exceeded' });
    expect(lists('jobs').length).toBeGreaterThanOrEqual(2);
  });

  it('reports a Job deleted behind its back as vanished', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    const exit = spawner.waitForExit(spec.jobId);
    await expect.poll(() => api.watching).toBe(2);

    const deleted = await fetch(
      `${api.server.url}/apis/batch/v1/namespaces/agentsmith/jobs/agentsmith-${spec.jobId}`,
      { method: 'DELETE' },
    );
    expect(deleted.status).toBe(200);

    await expect(exit).resolves.toEqual({
      jobId: spec.jobId,
      reason: 'vanished',
      message: `Job agentsmith-${spec.jobId} is gone`,
    });
  });

  it('reports a job that is already gone when a restarted dispatcher asks after it', async () => {
    await expect(spawner.waitForExit('0123456789ab')).resolves.toMatchObject({
      reason: 'vanished',
    });
  });
});
