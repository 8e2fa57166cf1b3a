import type {
  V1ConfigMap,
  V1EnvVar,
  V1Job,
  V1OwnerReference,
  V1Secret,
} from '@kubernetes/client-node';
import {
  AGENT_CONFIG_DIRECTORY,
  AGENT_CONFIG_FILENAME,
  AGENT_FORWARDED_KEYS,
  AGENT_WORKSPACE,
  agentArguments,
  agentContainerEnvironment,
  type JobSpec,
} from '@agentsmith/contracts';
import { jobName } from '../job-spawner.js';
import { kubernetesJobAnnotations, kubernetesJobLabels } from './kubernetes-labels.js';
import {
  DEFAULT_TMP_BYTES,
  DEFAULT_WORKSPACE_BYTES,
  type KubernetesSpawnerSettings,
} from '../../config/spawner-settings.js';

const HOME_BYTES = 256 * 1024 ** 2;
/** Container logs and the (read-only) image layer's writable remains also count as ephemeral storage. */
const EPHEMERAL_MARGIN_BYTES = 256 * 1024 ** 2;

/** Name of a job's ConfigMap (owned by its Job, so it goes when the Job goes). */
export function jobConfigMapName(jobId: string): string {
  return `${jobName(jobId)}-config`;
}

function mebibytes(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024 ** 2))}Mi`;
}

function millicores(cpus: number): string {
  return `${Math.max(1, Math.round(cpus * 1000))}m`;
}

/** Name of a job's own Secret (broker token, Redis user), owned by its Job. */
export function jobSecretName(jobId: string): string {
  return `${jobName(jobId)}-credentials`;
}

/**
 * Options as optional references into `K8S_SECRET_NAME` (no credential among them: those stay
 * with the dispatcher's broker), and the job's own secrets as required references into its
 * per-job Secret. Values never enter the manifest.
 */
function secretEnv(
  spec: JobSpec,
  secretName: string,
  jobSecretKeys: readonly string[],
): V1EnvVar[] {
  return [
    ...AGENT_FORWARDED_KEYS.map((key) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: secretName, key, optional: true } },
    })),
    ...jobSecretKeys.map((key) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: jobSecretName(spec.jobId), key } },
    })),
  ];
}

/** The Job as owner of what belongs to it (ConfigMap, Secret): deleted with it. */
function ownedByJob(spec: JobSpec, jobUid: string): V1OwnerReference[] {
  return [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: jobName(spec.jobId),
      uid: jobUid,
      blockOwnerDeletion: false,
    },
  ];
}

/**
 * The `batch/v1` Job of one agent: the Docker container's arguments and labels, no retries, a hard
 * deadline, cleanup after `ttlSecondsAfterFinished`, a non-root read-only sandbox whose only
 * writable places are emptyDirs, and no service-account token.
 */
export function kubernetesJobManifest(
  spec: JobSpec,
  settings: Readonly<KubernetesSpawnerSettings>,
  withConfig: boolean,
  jobSecretKeys: readonly string[] = [],
): V1Job {
  const labels = kubernetesJobLabels(spec);
  const annotations = kubernetesJobAnnotations(spec);
  const { resources } = settings;
  const workspaceBytes = resources.workspaceBytes ?? DEFAULT_WORKSPACE_BYTES;
  const tmpBytes = resources.tmpBytes ?? DEFAULT_TMP_BYTES;
  // The kubelet evicts the Pod when its emptyDirs and logs exceed this; each emptyDir has its own cap.
  const ephemeralStorage = mebibytes(
    workspaceBytes + tmpBytes + HOME_BYTES + EPHEMERAL_MARGIN_BYTES,
  );
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(spec.jobId), namespace: settings.namespace, labels, annotations },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: spec.maxDurationSeconds,
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'agent',
              image: spec.image ?? settings.image,
              imagePullPolicy: settings.imagePullPolicy,
              args: agentArguments(spec),
              workingDir: AGENT_WORKSPACE,
              env: [
                ...Object.entries(
                  agentContainerEnvironment(spec, withConfig ? { as: 'file' } : undefined),
                ).map(([name, value]) => ({ name, value })),
                ...secretEnv(spec, settings.secretName, jobSecretKeys),
              ],
              resources: {
                requests: {
                  cpu: millicores(settings.cpuRequest),
                  memory: mebibytes(settings.memoryRequestBytes),
                  'ephemeral-storage': ephemeralStorage,
                },
                limits: {
                  cpu: millicores(resources.cpus),
                  memory: mebibytes(resources.memoryBytes),
                  'ephemeral-storage': ephemeralStorage,
                },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'workspace', mountPath: AGENT_WORKSPACE },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'home', mountPath: '/home/node' },
                ...(withConfig
                  ? [{ name: 'config', mountPath: AGENT_CONFIG_DIRECTORY, readOnly: true }]
                  : []),
              ],
            },
          ],
          volumes: [
            { name: 'workspace', emptyDir: { sizeLimit: mebibytes(workspaceBytes) } },
            { name: 'tmp', emptyDir: { sizeLimit: mebibytes(tmpBytes) } },
            { name: 'home', emptyDir: { sizeLimit: mebibytes(HOME_BYTES) } },
            ...(withConfig
              ? [{ name: 'config', configMap: { name: jobConfigMapName(spec.jobId) } }]
              : []),
          ],
        },
      },
    },
  };
}

/** The job's configuration, owned by its Job (`uid` from the created Job). */
export function kubernetesConfigMapManifest(
  spec: JobSpec,
  namespace: string,
  jobUid: string,
  configText: string,
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: jobConfigMapName(spec.jobId),
      namespace,
      labels: kubernetesJobLabels(spec),
      ownerReferences: ownedByJob(spec, jobUid),
    },
    data: { [AGENT_CONFIG_FILENAME]: configText },
  };
}

/** The job's own secrets (broker token, Redis password), owned by its Job (`uid` from the created Job). */
export function kubernetesJobSecretManifest(
  spec: JobSpec,
  namespace: string,
  jobUid: string,
  values: Record<string, string>,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: jobSecretName(spec.jobId),
      namespace,
      labels: kubernetesJobLabels(spec),
      ownerReferences: ownedByJob(spec, jobUid),
    },
    stringData: values,
  };
}
