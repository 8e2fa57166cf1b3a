import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';
import { kubernetesJobManifest } from './kubernetes-job-manifest.js';
import type { KubernetesSpawnerSettings } from '../../config/spawner-settings.js';

const spec: JobSpec = {
  specificationVersion: PROTOCOL_VERSION,
  jobId: '0123456789ab',
  intent: { ticketId: '58', project: 'billing' },
  platform: 'slack',
  channelId: 'C1',
  redisUrl: 'redis:6379',
  maxDurationSeconds: 600,
  createdAt: 0,
};

const settings: KubernetesSpawnerSettings = {
  image: 'registry.example.com/agentsmith:latest',
  namespace: 'agentsmith',
  secretName: 'agentsmith-secrets',
  imagePullPolicy: 'IfNotPresent',
  ttlSecondsAfterFinished: 300,
  resources: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pidsLimit: 512 },
  memoryRequestBytes: 512 * 1024 ** 2,
  cpuRequest: 0.25,
};

const imageOf = (job: JobSpec) =>
  kubernetesJobManifest(job, settings, false).spec?.template.spec?.containers[0]?.image;

describe('spawners/kubernetes-job-manifest', () => {
  it("runs the project's image (JobSpec.image), else the configured one", () => {
    expect(imageOf({ ...spec, image: 'registry.example.com/agentsmith:polyglot' })).toEqual(
      'registry.example.com/agentsmith:polyglot',
    );
    expect(imageOf(spec)).toEqual('registry.example.com/agentsmith:latest');
  });
});
