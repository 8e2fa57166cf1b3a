import { join } from 'node:path';
import {
  KubeConfig,
  type V1ConfigMap,
  type V1Container,
  type V1Job,
  type V1PodSpec,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, agentArguments, type JobSpec } from '@agentsmith/contracts';
import { newJobId, type AppError } from '@agentsmith/kit';
import { FakeKubernetesApi } from '@agentsmith/testkit';
import { validateKubernetesManifest } from '../../test/support/kubernetes-schema.js';
import { renderKustomization } from '../../test/support/render-kustomization.js';
import { AGENT_FORWARDED_KEYS } from './agent-credentials.js';
import { KubernetesJobSpawner, loadKubeConfig } from './kubernetes-job-spawner.js';
import type { KubernetesSpawnerSettings } from './spawner-settings.js';

const settings: KubernetesSpawnerSettings = {
  image: 'registry.example/agentsmith:1.2.3',
  namespace: 'agentsmith',
  secretName: 'agentsmith-secrets',
  imagePullPolicy: 'IfNotPresent',
  ttlSecondsAfterFinished: 300,
  resources: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pidsLimit: 512 },
  memoryRequestBytes: 512 * 1024 ** 2,
  cpuRequest: 0.25,
};

function jobSpec(): JobSpec {
  return {
    specificationVersion: PROTOCOL_VERSION,
    jobId: newJobId(),
    intent: { ticketId: '58', project: 'agent-smith-test' },
    platform: 'slack',
    channelId: 'C0TEST',
    redisUrl: 'redis:6379',
    maxDurationSeconds: 3600,
    createdAt: Date.now(),
  };
}

let api: FakeKubernetesApi;
let spawner: KubernetesJobSpawner;

function kubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(api.kubeconfig());
  return config;
}

function pod(name: string, containerState: unknown, phase = 'Running'): unknown {
  return {
    metadata: { name: `${name}-x1`, labels: {} },
    status: {
      phase,
      containerStatuses: [
        {
          name: 'agent',
          ready: false,
          restartCount: 0,
          image: settings.image,
          imageID: '',
          state: containerState,
        },
      ],
    },
  };
}

beforeEach(async () => {
  api = await new FakeKubernetesApi('agentsmith', validateKubernetesManifest).start();
  spawner = new KubernetesJobSpawner({
    settings,
    kubeConfig: kubeConfig(),
    readAgentConfig: () => Promise.resolve('projects: {}\n'),
    pollIntervalMs: 20,
  });
});

afterEach(async () => {
  await api.stop();
});

describe('spawners/kubernetes-job-spawner', () => {
  it('creates exactly one valid batch/v1 Job with the agent arguments, labels and hardening', async () => {
    const spec = jobSpec();

    await spawner.spawn(spec);

    expect(api.requests('POST', /\/jobs$/)).toHaveLength(1);
    const job = api.jobs.get(`agentsmith-${spec.jobId}`) as V1Job;
    const podSpec = job.spec?.template.spec as V1PodSpec;
    const container = podSpec.containers[0] as V1Container;
    expect(job.metadata?.labels).toEqual({
      app: 'agentsmith',
      'job-id': spec.jobId,
      platform: 'slack',
      project: 'agent-smith-test',
      'managed-by': 'agentsmith-dispatcher',
    });
    expect(container.args).toEqual(agentArguments(spec));
    expect(container.args).toEqual([
      '--headless',
      '--job-id',
      spec.jobId,
      '--redis-url',
      'redis:6379',
      '--platform',
      'slack',
      '--channel-id',
      'C0TEST',
      'fix #58 in agent-smith-test',
    ]);
    expect({
      backoffLimit: job.spec?.backoffLimit,
      activeDeadlineSeconds: job.spec?.activeDeadlineSeconds,
      ttl: job.spec?.ttlSecondsAfterFinished,
      restartPolicy: podSpec.restartPolicy,
      automount: podSpec.automountServiceAccountToken,
      runAsNonRoot: podSpec.securityContext?.runAsNonRoot,
      containerSecurity: container.securityContext,
      resources: container.resources,
      pullPolicy: container.imagePullPolicy,
      image: container.image,
    }).toEqual({
      backoffLimit: 0,
      activeDeadlineSeconds: 3600,
      ttl: 300,
      restartPolicy: 'Never',
      automount: false,
      runAsNonRoot: true,
      containerSecurity: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      },
      resources: {
        requests: { cpu: '250m', memory: '512Mi' },
        limits: { cpu: '2000m', memory: '4096Mi' },
      },
      pullPolicy: 'IfNotPresent',
      image: settings.image,
    });
    const env = container.env ?? [];
    const secretRefs = env
      .filter((entry) => entry.valueFrom)
      .map((entry) => [entry.name, entry.valueFrom?.secretKeyRef]);
    expect(secretRefs).toEqual(
      AGENT_FORWARDED_KEYS.map((key) => [key, { name: 'agentsmith-secrets', key, optional: true }]),
    );
    expect(env.some((entry) => entry.name.startsWith('SLACK_'))).toEqual(false);
  });

  it('delivers the configuration as a ConfigMap owned by the Job and mounted as a file', async () => {
    const spec = jobSpec();

    await spawner.spawn(spec);

    const job = api.jobs.get(`agentsmith-${spec.jobId}`) as V1Job;
    const configMap = api.configMaps.get(`agentsmith-${spec.jobId}-config`) as V1ConfigMap;
    expect(configMap.data).toEqual({ 'agentsmith.yml': 'projects: {}\n' });
    expect(configMap.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: `agentsmith-${spec.jobId}`,
        uid: job.metadata?.uid,
        blockOwnerDeletion: false,
      },
    ]);
    const podSpec = job.spec?.template.spec as V1PodSpec;
    const container = podSpec.containers[0] as V1Container;
    expect(container.env).toContainEqual({
      name: 'AGENTSMITH_CONFIG',
      value: '/etc/agentsmith/agentsmith.yml',
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'config',
      mountPath: '/etc/agentsmith',
      readOnly: true,
    });
    expect(podSpec.volumes).toContainEqual({
      name: 'config',
      configMap: { name: `agentsmith-${spec.jobId}-config` },
    });
  });

  it.each([
    [
      'a finished Job',
      { conditions: [{ type: 'Complete', status: 'True' }] },
      { terminated: { exitCode: 0, reason: 'Completed' } },
      { reason: 'exited', exitCode: 0, message: 'finished (exit 0)' },
    ],
    [
      'an OOM-killed agent',
      { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
      { terminated: { exitCode: 137, reason: 'OOMKilled' } },
      {
        reason: 'out_of_memory',
        exitCode: 137,
        message: 'out of memory, exit 137 (memory limit 4 GiB)',
      },
    ],
    [
      'a Job over its deadline',
      { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }] },
      undefined,
      {
        reason: 'deadline_exceeded',
        message: 'stopped after exceeding its deadline of 60 min (JOB_MAX_DURATION)',
      },
    ],
    [
      'a failed run',
      { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
      { terminated: { exitCode: 1, reason: 'Error' } },
      { reason: 'exited', exitCode: 1, message: 'the run failed (exit 1)' },
    ],
  ])('reports %s in plain words', async (_name, status, state, expected) => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    const name = `agentsmith-${spec.jobId}`;
    const waiting = spawner.waitForExit(spec.jobId);

    api.setJobStatus(name, status);
    if (state) api.pods.set(name, [pod(name, state, 'Failed')]);
    const exit = await waiting;

    expect(exit).toEqual({ jobId: spec.jobId, ...expected });
  });

  it('turns ImagePullBackOff into image_missing and deletes the Job', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    const name = `agentsmith-${spec.jobId}`;
    api.pods.set(name, [
      pod(
        name,
        { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
        'Pending',
      ),
    ]);

    const exit = await spawner.waitForExit(spec.jobId);

    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'image_missing',
      message: `agent image ${settings.image} cannot be pulled (ImagePullBackOff): build and push it, or check IMAGE_PULL_POLICY`,
    });
    expect(api.jobs.has(name)).toEqual(false);
    expect(
      api.requests('DELETE', new RegExp(`/jobs/${name}$`))[0]?.query.get('propagationPolicy'),
    ).toEqual('Background');
  });

  it('refuses a spawn rejected by the namespace quota with a plain reason', async () => {
    api.rejectNextJob = {
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message:
          'jobs.batch "x" is forbidden: exceeded quota: agents, requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2',
      },
    };

    const error = (await spawner.spawn(jobSpec()).catch((caught: unknown) => caught)) as AppError;

    expect([error.code, error.message]).toEqual([
      'spawner_quota_exceeded',
      'the namespace quota of agentsmith is exhausted: jobs.batch "x" is forbidden: exceeded quota: agents, requested: count/jobs.batch=1, used: count/jobs.batch=2, limited: count/jobs.batch=2',
    ]);
  });

  it('reports Pods the quota would not admit', async () => {
    const spec = jobSpec();
    await spawner.spawn(spec);
    const name = `agentsmith-${spec.jobId}`;
    api.events.set(name, [
      {
        metadata: { name: 'e1' },
        involvedObject: { kind: 'Job', name },
        reason: 'FailedCreate',
        message:
          'Error creating: pods "x" is forbidden: exceeded quota: compute, requested: limits.memory=4Gi',
      },
    ]);

    const exit = await spawner.waitForExit(spec.jobId);

    expect(exit).toEqual({
      jobId: spec.jobId,
      reason: 'rejected',
      message:
        'the namespace quota is exhausted: Error creating: pods "x" is forbidden: exceeded quota: compute, requested: limits.memory=4Gi',
    });
  });

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
      kubeConfig: loadKubeConfig({ KUBECONFIG: await api.writeKubeconfig() }),
    });

    const readiness = await fromEnv.checkReadiness();

    expect(readiness).toEqual({ ready: true });
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
      join(import.meta.dirname, '../../../../deploy/k8s/base'),
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
            GET: name ? 'get' : 'list',
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

    expect([...used].sort()).toEqual([
      'create configmaps',
      'create jobs',
      'delete jobs',
      'deletecollection pods',
      'get jobs',
      'list events',
      'list jobs',
      'list pods',
    ]);
    expect(denied).toEqual([]);
  });
});
