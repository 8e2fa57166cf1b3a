import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeKubernetesApi } from '@agentsmith/testkit';
import {
  kubernetesJobSpec as jobSpec,
  kubernetesTestSettings as settings,
  startFakeKubernetes,
} from '../../../test/support/kubernetes-spawner-fixture.js';
import { renderKustomization } from '../../../test/support/render-kustomization.js';
import { KubernetesJobSpawner, loadKubeConfig } from './kubernetes-job-spawner.js';

let api: FakeKubernetesApi;
let spawner: KubernetesJobSpawner;

beforeEach(async () => {
  ({ api, spawner } = await startFakeKubernetes());
});

afterEach(async () => {
  await spawner.close();
  vi.unstubAllEnvs();
  await api.stop();
});

describe('spawners/kubernetes-job-spawner (stop, list, readiness, configuration, RBAC)', () => {
  it('stops a job by deleting its Pods with the grace period and the Job in the background', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);

    await spawner.stop(spec.jobId, { graceSeconds: 5 });
    const exit = await spawner.waitForExit(spec.jobId);

    const podDelete = api.requests('DELETE', /\/pods$/)[0];
    expect([
      podDelete?.query.get('gracePeriodSeconds'),
      podDelete?.query.get('labelSelector'),
    ]).toEqual(['5', `app=agentsmith,managed-by=agentsmith-dispatcher,job-id=${spec.jobId}`]);
    expect(api.requests('DELETE', /\/jobs\//)[0]?.query.get('propagationPolicy')).toEqual(
      'Background',
    );
    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'stopped',
      message: 'stopped by the dispatcher',
    });
    expect(api.configMaps.size).toEqual(0);
  });

  it('lists the Jobs it owns, running or finished', async () => {
    const running = jobSpec();
    const finished = jobSpec();
    await spawner.spawn(running);
    await spawner.spawn(finished);
    api.setJobStatus(`agentsmith-${finished.jobId}`, {
      conditions: [{ type: 'Complete', status: 'True' }],
    });

    const jobs = await spawner.listJobs();

    expect(jobs.map((job) => [job.jobId, job.name, job.running]).sort()).toEqual(
      [
        [running.jobId, `agentsmith-${running.jobId}`, true],
        [finished.jobId, `agentsmith-${finished.jobId}`, false],
      ].sort(),
    );
  });

  it('is ready when it may list Pods in its namespace, and explains when the API is unreachable', async () => {
    const ready = await spawner.checkReadiness();
    await api.stop();

    const unreachable = await spawner.checkReadiness();

    expect(ready).toEqual({ ready: true });
    expect(unreachable.ready).toEqual(false);
    expect(unreachable.reason).toMatch(/^cannot reach the Kubernetes API: /);
  });

  it('loads the kubeconfig named by KUBECONFIG outside a cluster', async () => {
    const fromEnv = new KubernetesJobSpawner({
      settings,
      kubeConfig: loadKubeConfig({ inCluster: false, file: await api.writeKubeconfig() }),
    });

    const readiness = await fromEnv.checkReadiness();

    expect(readiness).toEqual({ ready: true });
  });

  it('prefers the in-cluster service account inside a Pod, even when KUBECONFIG is set', async () => {
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '10.96.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', '443');

    const config = loadKubeConfig({ inCluster: true, file: await api.writeKubeconfig() });

    expect([config.getCurrentCluster()?.server, config.getCurrentUser()?.name]).toEqual([
      'https://10.96.0.1:443',
      'inClusterUser',
    ]);
  });

  it('needs no permission beyond the Role in deploy/k8s', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    api.setJobStatus(`agentsmith-${spec.jobId}`, {
      conditions: [{ type: 'Complete', status: 'True' }],
    });
    await spawner.waitForExit(spec.jobId);
    await spawner.listJobs();
    await spawner.checkReadiness();
    await spawner.stop(spec.jobId, { graceSeconds: 1 });
    const objects = await renderKustomization(
      join(import.meta.dirname, '../../../../../deploy/k8s/base'),
    );
    const role = objects.find((object) => object.kind === 'Role') as unknown as {
      rules: Array<{ resources: string[]; verbs: string[] }>;
    };

    const used = new Set(
      api.server.requests.map((request) => {
        const [, resource = '', name] =
          /\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+))?$/.exec(request.path) ?? [];
        const verb =
          {
            POST: 'create',
            DELETE: name ? 'delete' : 'deletecollection',
            GET: name ? 'get' : request.query.get('watch') === 'true' ? 'watch' : 'list',
          }[request.method] ?? request.method;
        return `${verb} ${resource}`;
      }),
    );
    const denied = [...used].filter((entry) => {
      const [verb = '', resource = ''] = entry.split(' ');
      return !role.rules.some(
        (rule) => rule.resources.includes(resource) && rule.verbs.includes(verb),
      );
    });

    // A read of one Job and the events of a Pod-less Job depend on timing; the rest always happen.
    expect([...used].sort()).toEqual(
      expect.arrayContaining([
        'create configmaps',
        'create jobs',
        'delete jobs',
        'deletecollection pods',
        'list jobs',
        'list pods',
        'watch jobs',
        'watch pods',
      ]),
    );
    expect(denied).toEqual([]);
  });
});
