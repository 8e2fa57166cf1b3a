import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobSpec } from '@agentsmith/contracts';
import { sampleJobSpec } from '../../../test/support/sample-job-spec.js';
import {
  denials,
  readAgentJobPolicy,
  type AdmissionRequest,
} from '../../../test/support/admission-policy.js';
import { restrictedViolations } from '../../../test/support/pod-security-restricted.js';
import { renderKustomization, type Manifest } from '../../../test/support/render-kustomization.js';
import { kubernetesJobManifest } from './kubernetes-job-manifest.js';
import { loadDispatcherConfig } from '../../config/dispatcher-config.js';

/**
 * The agent-Job ValidatingAdmissionPolicy (deploy/k8s/admission) evaluated with a CEL library
 * (@marcbachmann/cel-js) against the Job the Kubernetes spawner really produces and against bad
 * variants of it; and that Job, the dispatcher and Redis against Pod Security `restricted`.
 */
const k8sRoot = join(import.meta.dirname, '../../../../../deploy/k8s');
const policy = await readAgentJobPolicy();

const spec: JobSpec = sampleJobSpec();

async function paramsOf(overlay: string): Promise<Record<string, string>> {
  const objects = await renderKustomization(join(k8sRoot, overlay));
  const params = objects.find((object) => object.metadata.name === 'agentsmith-admission');
  return (params?.['data'] ?? {}) as Record<string, string>;
}

/** The Job as the spawner builds it, with the image the overlay's dispatcher is configured with. */
function spawnedJob(image = 'agentsmith:latest'): Record<string, unknown> {
  const { spawner } = loadDispatcherConfig({
    SPAWNER_TYPE: 'kubernetes',
    AGENTSMITH_IMAGE: image,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
  });
  if (spawner.type !== 'kubernetes') throw new Error('expected the Kubernetes spawner');
  const settings = spawner.kubernetes;
  return JSON.parse(JSON.stringify(kubernetesJobManifest(spec, settings, true))) as Record<
    string,
    unknown
  >;
}

const dispatcher: Omit<AdmissionRequest, 'params'> = {
  username: 'system:serviceaccount:agentsmith:agentsmith-dispatcher',
  namespace: 'agentsmith',
};

type Job = {
  metadata: { labels: Record<string, string> };
  spec: {
    template: {
      metadata: { labels: Record<string, string> };
      spec: Record<string, unknown> & {
        securityContext: Record<string, unknown>;
        containers: Array<Record<string, unknown> & { securityContext: Record<string, unknown> }>;
        volumes: Array<Record<string, unknown>>;
      };
    };
  };
};

/** A copy of the spawner's Job changed by `change`. */
function variant(change: (job: Job) => void): Record<string, unknown> {
  const job = spawnedJob();
  change(job as unknown as Job);
  return job;
}

describe('deploy/k8s/admission: the agent-Job policy (CEL)', () => {
  it('admits the Job the Kubernetes spawner produces, in the base and the prod installation', async () => {
    const base = await paramsOf('base');
    const prod = await paramsOf('overlays/prod');

    expect([
      denials(policy, spawnedJob(), { ...dispatcher, params: base }),
      denials(policy, spawnedJob('registry.example.com/agentsmith/agent:0.1.0'), {
        username: 'system:serviceaccount:agentsmith-dev:agentsmith-dispatcher',
        namespace: 'agentsmith-dev',
        params: prod,
      }),
    ]).toEqual([[], []]);
  });

  it.each<[string, () => Record<string, unknown>, Partial<AdmissionRequest>, string]>([
    [
      'a Job from another ServiceAccount',
      () => spawnedJob(),
      { username: 'system:serviceaccount:agentsmith:default' },
      "only the dispatcher's ServiceAccount (agentsmith-dispatcher) may create Jobs here",
    ],
    [
      'the dispatcher of another namespace',
      () => spawnedJob(),
      { username: 'system:serviceaccount:elsewhere:agentsmith-dispatcher' },
      "only the dispatcher's ServiceAccount (agentsmith-dispatcher) may create Jobs here",
    ],
    [
      'another image',
      () => spawnedJob('alpine:3'),
      {},
      'an agent Job runs only the agent image (agentImagePattern in the ConfigMap agentsmith-admission)',
    ],
    [
      'an image that only starts like the agent image',
      () => spawnedJob('agentsmith.evil.example/x:1'),
      {},
      'an agent Job runs only the agent image (agentImagePattern in the ConfigMap agentsmith-admission)',
    ],
    [
      'Pods without the app label the NetworkPolicy selects',
      () =>
        variant((job) => {
          delete job.spec.template.metadata.labels['app'];
        }),
      {},
      'an agent Job is labelled app=agentsmith, job-id and managed-by=agentsmith-dispatcher, and its Pods app=agentsmith (the agent NetworkPolicy selects them by it)',
    ],
    [
      'a Job without the managed-by label',
      () =>
        variant((job) => {
          delete job.metadata.labels['managed-by'];
        }),
      {},
      'an agent Job is labelled app=agentsmith, job-id and managed-by=agentsmith-dispatcher, and its Pods app=agentsmith (the agent NetworkPolicy selects them by it)',
    ],
    [
      'a root user',
      () =>
        variant((job) => {
          job.spec.template.spec.securityContext['runAsUser'] = 0;
        }),
      {},
      'an agent Pod runs as non-root (runAsNonRoot: true, never runAsUser 0)',
    ],
    [
      'runAsNonRoot off in the container',
      () =>
        variant((job) => {
          job.spec.template.spec.containers[0]!.securityContext['runAsNonRoot'] = false;
        }),
      {},
      'an agent Pod runs as non-root (runAsNonRoot: true, never runAsUser 0)',
    ],
    [
      'a writable root filesystem',
      () =>
        variant((job) => {
          job.spec.template.spec.containers[0]!.securityContext['readOnlyRootFilesystem'] = false;
        }),
      {},
      'agent containers have a read-only root filesystem',
    ],
    [
      'a hostPath volume',
      () =>
        variant((job) => {
          job.spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/' } });
        }),
      {},
      "an agent Pod's volumes are size-limited emptyDirs and ConfigMaps only (no hostPath)",
    ],
    [
      'an emptyDir without a size limit',
      () =>
        variant((job) => {
          job.spec.template.spec.volumes[0] = { name: 'workspace', emptyDir: {} };
        }),
      {},
      "an agent Pod's volumes are size-limited emptyDirs and ConfigMaps only (no hostPath)",
    ],
    [
      'the host network',
      () =>
        variant((job) => {
          job.spec.template.spec['hostNetwork'] = true;
        }),
      {},
      'an agent Pod uses no host network, PID or IPC namespace',
    ],
    [
      'the host PID namespace',
      () =>
        variant((job) => {
          job.spec.template.spec['hostPID'] = true;
        }),
      {},
      'an agent Pod uses no host network, PID or IPC namespace',
    ],
    [
      'the host IPC namespace',
      () =>
        variant((job) => {
          job.spec.template.spec['hostIPC'] = true;
        }),
      {},
      'an agent Pod uses no host network, PID or IPC namespace',
    ],
    [
      'a privileged container',
      () =>
        variant((job) => {
          job.spec.template.spec.containers[0]!.securityContext['privileged'] = true;
        }),
      {},
      'agent containers are not privileged and set allowPrivilegeEscalation: false',
    ],
    [
      'privilege escalation',
      () =>
        variant((job) => {
          job.spec.template.spec.containers[0]!.securityContext['allowPrivilegeEscalation'] = true;
        }),
      {},
      'agent containers are not privileged and set allowPrivilegeEscalation: false',
    ],
    [
      'an added capability',
      () =>
        variant((job) => {
          job.spec.template.spec.containers[0]!.securityContext['capabilities'] = {
            drop: ['ALL'],
            add: ['NET_ADMIN'],
          };
        }),
      {},
      'agent containers drop ALL capabilities and add none',
    ],
    [
      'capabilities kept',
      () =>
        variant((job) => {
          job.spec.template.spec.containers[0]!.securityContext['capabilities'] = {
            drop: ['NET_RAW'],
          };
        }),
      {},
      'agent containers drop ALL capabilities and add none',
    ],
    [
      'no ephemeral-storage limit',
      () =>
        variant((job) => {
          const container = job.spec.template.spec.containers[0] as unknown as {
            resources: { limits: Record<string, string> };
          };
          delete container.resources.limits['ephemeral-storage'];
        }),
      {},
      'agent containers set cpu, memory and ephemeral-storage limits',
    ],
    [
      'a second container',
      () =>
        variant((job) => {
          job.spec.template.spec.containers.push({
            ...job.spec.template.spec.containers[0]!,
            name: 'sidecar',
          });
        }),
      {},
      'an agent Pod has exactly one container and no init or ephemeral containers',
    ],
    [
      'an unconfined seccomp profile',
      () =>
        variant((job) => {
          job.spec.template.spec.securityContext['seccompProfile'] = { type: 'Unconfined' };
        }),
      {},
      'an agent Pod uses the RuntimeDefault seccomp profile',
    ],
    [
      'a mounted ServiceAccount token',
      () =>
        variant((job) => {
          job.spec.template.spec['automountServiceAccountToken'] = true;
        }),
      {},
      'an agent Pod mounts no ServiceAccount token (automountServiceAccountToken: false)',
    ],
  ])('denies %s with its message', async (_what, job, request, message) => {
    const params = await paramsOf('base');

    expect(denials(policy, job(), { ...dispatcher, params, ...request })).toEqual([message]);
  });
});

describe('Pod Security `restricted` (the namespace enforces it)', () => {
  it('holds for the agent Job, the dispatcher and Redis', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'overlays/prod'));
    const podSpec = (object: Manifest | Record<string, unknown>) =>
      (object['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
    const workloads = objects.filter((object) =>
      ['Deployment', 'StatefulSet'].includes(object.kind),
    );
    const namespace = objects.find((object) => object.kind === 'Namespace');

    expect(
      Object.fromEntries([
        ['agent Job', restrictedViolations(podSpec(spawnedJob()))],
        ...workloads.map((object) => [object.metadata.name, restrictedViolations(podSpec(object))]),
      ]),
    ).toEqual({ 'agent Job': [], 'agentsmith-dispatcher': [], redis: [] });
    expect(namespace?.metadata['labels']).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
  });

  it('would catch a Pod that breaks it', () => {
    const job = variant((broken) => {
      broken.spec.template.spec.containers[0]!.securityContext['runAsNonRoot'] = false;
      broken.spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/' } });
    });

    expect(restrictedViolations(podSpec(job))).toEqual([
      'volume host is of type hostPath',
      'container agent does not set runAsNonRoot: true',
    ]);
  });
});

function podSpec(job: Record<string, unknown>): Record<string, unknown> {
  return (job['spec'] as { template: { spec: Record<string, unknown> } }).template.spec;
}
