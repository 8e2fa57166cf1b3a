import {
  type V1ConfigMap,
  type V1Container,
  type V1Job,
  type V1PodSpec,
  type V1Secret,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentArguments, agentJobEnvironment, parseAgentArguments } from '@agentsmith/contracts';
import type { AppError } from '@agentsmith/kit';
import type { FakeKubernetesApi } from '@agentsmith/testkit';
import {
  fakeAgentPod as pod,
  kubernetesJobSpec as jobSpec,
  kubernetesTestSettings as settings,
  startFakeKubernetes,
} from '../../../test/support/kubernetes-spawner-fixture.js';
import { AGENT_FORWARDED_KEYS } from '@agentsmith/contracts';
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

describe('spawners/kubernetes-job-spawner', () => {
  it('creates the Job only once the dispatcher has announced the job, and none when that failed', async () => {
    const waiting = jobSpec();
    let announce = (): void => undefined;
    const spawned = spawner.spawn(
      waiting,
      undefined,
      {},
      new Promise<void>((resolve) => (announce = resolve)),
    );
    // A round trip to the API server, sent after the spawn had every chance to create the Job.
    await spawner.checkReadiness();
    const beforeAnnounced = api.requests('POST', /\/jobs$/).length;
    announce();
    await spawned;
    const refused = jobSpec();
    const announcementFailed = Promise.reject(new Error('Slack refused the message'));
    announcementFailed.catch(() => undefined);

    const error = await spawner
      .spawn(refused, undefined, {}, announcementFailed)
      .catch((caught: unknown) => caught);

    expect([beforeAnnounced, api.requests('POST', /\/jobs$/).length]).toEqual([0, 1]);
    expect((error as Error).message).toBe('Slack refused the message');
    expect(api.jobs.has(`agentsmith-${refused.jobId}`)).toBe(false);
  });

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
      emptyDirs: podSpec.volumes?.filter((volume) => volume.emptyDir),
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
        // Workspace 2 GiB + /tmp 512 MiB + home 256 MiB + 256 MiB for logs (the defaults).
        requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '3072Mi' },
        limits: { cpu: '2000m', memory: '4096Mi', 'ephemeral-storage': '3072Mi' },
      },
      pullPolicy: 'IfNotPresent',
      image: settings.image,
      emptyDirs: [
        { name: 'workspace', emptyDir: { sizeLimit: '2048Mi' } },
        { name: 'tmp', emptyDir: { sizeLimit: '512Mi' } },
        { name: 'home', emptyDir: { sizeLimit: '256Mi' } },
      ],
    });
    const env = container.env ?? [];
    const secretRefs = env
      .filter((entry) => entry.valueFrom)
      .map((entry) => [entry.name, entry.valueFrom?.secretKeyRef]);
    expect(secretRefs).toEqual(
      AGENT_FORWARDED_KEYS.map((key) => [key, { name: 'agentsmith-secrets', key, optional: true }]),
    );
    expect(env.some((entry) => entry.name.startsWith('SLACK_'))).toEqual(false);
    const plain = Object.fromEntries(
      env.filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value]),
    );
    expect(plain).toMatchObject(agentJobEnvironment(spec));
    expect(parseAgentArguments(container.args ?? [], plain)).toEqual(spec);
  });

  it("puts the job's own secrets in a Secret owned by the Job, referenced by secretKeyRef only", async () => {
    const spec = jobSpec();
    const jobEnvironment = {
      AGENTSMITH_BROKER_URL: 'http://agentsmith-dispatcher:8081',
      AGENTSMITH_JOB_TOKEN: 'asjob_per-job-token',
      AGENTSMITH_REDIS_USERNAME: `agentsmith-job-${spec.jobId}`,
      AGENTSMITH_REDIS_PASSWORD: 'per-job-redis-password',
    };

    await spawner.spawn(spec, undefined, jobEnvironment);

    const job = api.jobs.get(`agentsmith-${spec.jobId}`) as V1Job;
    const secret = api.secrets.get(`agentsmith-${spec.jobId}-credentials`) as V1Secret;
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toEqual(jobEnvironment);
    expect(secret.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: `agentsmith-${spec.jobId}`,
        uid: job.metadata?.uid,
        blockOwnerDeletion: false,
      },
    ]);
    const container = job.spec?.template.spec?.containers[0] as V1Container;
    for (const key of Object.keys(jobEnvironment)) {
      expect(container.env).toContainEqual({
        name: key,
        valueFrom: { secretKeyRef: { name: `agentsmith-${spec.jobId}-credentials`, key } },
      });
    }
    // No value of a secret is in the Job manifest itself.
    const manifest = JSON.stringify(job);
    expect(manifest).not.toContain('asjob_per-job-token');
    expect(manifest).not.toContain('per-job-redis-password');

    await spawner.remove(spec.jobId);
    expect(api.secrets.has(`agentsmith-${spec.jobId}-credentials`)).toBe(false);
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
        details: { name: 'x', group: 'batch', kind: 'jobs' },
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
        'the namespace admitted no agent Pod: Error creating: pods "x" is forbidden: exceeded quota: compute, requested: limits.memory=4Gi',
    });
  });
});
