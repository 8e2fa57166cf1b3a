import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentArguments, PROTOCOL_VERSION } from '@agentsmith/contracts';
import { silentLogger } from '@agentsmith/kit';
import { FakeKubernetesApi } from '@agentsmith/testkit';
import {
  DispatcherHarness,
  fakeCatalog,
  uniqueChannel,
} from '../../../test/support/dispatcher-harness.js';
import { validateKubernetesManifest } from '../../../test/support/kubernetes-schema.js';
import { createSpawner } from '../create-spawner.js';
import type { JobSpawner } from '../job-spawner.js';

let api: FakeKubernetesApi;
let harness: DispatcherHarness<JobSpawner> | undefined;

beforeEach(async () => {
  api = await new FakeKubernetesApi('agentsmith-test', validateKubernetesManifest).start();
});

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  await api.stop();
});

describe('spawners (SPAWNER_TYPE=kubernetes through the dispatcher)', () => {
  it('turns a signed "fix #58 in agent-smith-test" event into exactly one valid Job with the agent arguments', async () => {
    const running = await DispatcherHarness.start({
      env: {
        SPAWNER_TYPE: 'kubernetes',
        JOB_MAX_DURATION: '45m',
        K8S_NAMESPACE: 'agentsmith-test',
        KUBECONFIG: await api.writeKubeconfig(),
      },
      spawner: (config) => createSpawner(config, silentLogger()),
      dependencies: { projects: fakeCatalog(undefined, ['agent-smith-test']) },
    });
    harness = running;
    const channel = uniqueChannel();

    const status = await running.message(channel, 'fix #58 in agent-smith-test');
    await expect.poll(() => api.jobs.size > 0, { message: 'the Job' }).toBe(true);
    const [job] = [...api.jobs.values()] as Array<{
      metadata: { labels: Record<string, string> };
      spec: {
        activeDeadlineSeconds: number;
        template: { spec: { containers: Array<{ args: string[] }> } };
      };
    }>;
    const jobId = job?.metadata.labels['job-id'] ?? '';

    expect(status).toEqual(200);
    expect(api.requests('POST', /\/jobs$/)).toHaveLength(1);
    expect(api.server.unexpected).toEqual([]);
    expect(job?.spec.template.spec.containers[0]?.args).toEqual(
      agentArguments({
        specificationVersion: PROTOCOL_VERSION,
        jobId,
        intent: { ticketId: '58', project: 'agent-smith-test' },
        platform: 'slack',
        channelId: channel,
        redisUrl: running.redis.url,
        maxDurationSeconds: 2700,
        createdAt: 0,
      }),
    );
    expect(job?.spec.activeDeadlineSeconds).toEqual(2700);
    expect(job?.metadata.labels).toEqual({
      app: 'agentsmith',
      'job-id': jobId,
      platform: 'slack',
      project: 'agent-smith-test',
      'managed-by': 'agentsmith-dispatcher',
    });
  });
});
