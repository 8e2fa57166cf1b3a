import { KubeConfig } from '@kubernetes/client-node';
import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';
import { newJobId } from '@agentsmith/kit';
import { FakeKubernetesApi } from '@agentsmith/testkit';
import { KubernetesJobSpawner } from '../../src/spawners/kubernetes/kubernetes-job-spawner.js';
import type { KubernetesSpawnerSettings } from '../../src/config/spawner-settings.js';
import { validateKubernetesManifest } from './kubernetes-schema.js';

/** Spawner settings of the Kubernetes tests (a registry image, the defaults of docs/deployment.md). */
export const kubernetesTestSettings: KubernetesSpawnerSettings = {
  image: 'registry.example/agentsmith:1.2.3',
  namespace: 'agentsmith',
  secretName: 'agentsmith-secrets',
  imagePullPolicy: 'IfNotPresent',
  ttlSecondsAfterFinished: 300,
  resources: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pidsLimit: 512 },
  memoryRequestBytes: 512 * 1024 ** 2,
  cpuRequest: 0.25,
};

export function kubernetesJobSpec(): JobSpec {
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

/** A Pod of Job `name` whose agent container is in `containerState`. */
export function fakeAgentPod(name: string, containerState: unknown, phase = 'Running'): unknown {
  return {
    metadata: { name: `${name}-x1`, labels: {} },
    status: {
      phase,
      containerStatuses: [
        {
          name: 'agent',
          ready: false,
          restartCount: 0,
          image: kubernetesTestSettings.image,
          imageID: '',
          state: containerState,
        },
      ],
    },
  };
}

/** A fake API server that validates every manifest, and a spawner watching it (resync every 50 ms). */
export async function startFakeKubernetes(): Promise<{
  api: FakeKubernetesApi;
  spawner: KubernetesJobSpawner;
}> {
  const api = await new FakeKubernetesApi('agentsmith', validateKubernetesManifest).start();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(api.kubeconfig());
  const spawner = new KubernetesJobSpawner({
    settings: kubernetesTestSettings,
    kubeConfig,
    readAgentConfig: () => Promise.resolve('projects: {}\n'),
    resyncMs: 50,
  });
  return { api, spawner };
}
