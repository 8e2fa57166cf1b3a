import { silentLogger } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { kubernetesJobSpec } from '../../test/support/kubernetes-spawner-fixture.js';
import { loadDispatcherConfig } from '../config/dispatcher-config.js';
import { createSpawner, UnavailableJobSpawner } from './create-spawner.js';
import { DockerJobSpawner } from './docker/docker-job-spawner.js';

function configWith(env: Record<string, string>) {
  return loadDispatcherConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ...env });
}

describe('spawners/create-spawner', () => {
  it('builds the spawner SPAWNER_TYPE names, with its settings', async () => {
    const spawner = await createSpawner(
      configWith({ SPAWNER_TYPE: 'docker', DOCKER_HOST: 'tcp://127.0.0.1:1' }),
      silentLogger(),
    );

    expect(spawner).toBeInstanceOf(DockerJobSpawner);
    expect(spawner.type).toBe('docker');
    expect((spawner as DockerJobSpawner).engineAddress).toBe('tcp://127.0.0.1:1');
    expect((await spawner.checkReadiness()).ready).toBe(false);
  });

  it('stands in with an explanation when the engine cannot be configured, so fix can say why', async () => {
    const spawner = await createSpawner(
      configWith({ SPAWNER_TYPE: 'kubernetes', KUBECONFIG: '/nonexistent/kubeconfig' }),
      silentLogger(),
    );

    expect(spawner).toBeInstanceOf(UnavailableJobSpawner);
    expect(await spawner.checkReadiness()).toEqual({
      ready: false,
      reason: expect.stringMatching(
        /^the kubernetes spawner could not start: .*\/nonexistent\/kubeconfig/,
      ),
    });
    await expect(spawner.spawn(kubernetesJobSpec())).rejects.toMatchObject({
      code: 'spawner_unavailable',
    });
  });
});
