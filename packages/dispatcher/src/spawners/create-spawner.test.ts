import { silentLogger } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { createSpawner, UnavailableJobSpawner } from './create-spawner.js';
import { FakeJobSpawner } from './fake-job-spawner.js';

const dependencies = {
  env: {},
  logger: silentLogger(),
  image: 'agentsmith:latest',
  jobMaxDurationMs: 60_000,
};

describe('spawners/create-spawner', () => {
  it('builds the spawner the type names', async () => {
    const fake = new FakeJobSpawner();

    const spawner = await createSpawner('docker', dependencies, { docker: () => fake });

    expect(spawner).toBe(fake);
  });

  it('stands in with an explanation when the factory throws, so fix can say why', async () => {
    const spawner = await createSpawner('kubernetes', dependencies, {
      kubernetes: () => {
        throw new Error('no kubeconfig found');
      },
    });

    expect(spawner).toBeInstanceOf(UnavailableJobSpawner);
    expect(await spawner.checkReadiness()).toEqual({
      ready: false,
      reason: 'the kubernetes spawner could not start: no kubeconfig found',
    });
    await expect(spawner.spawn({} as never)).rejects.toMatchObject({
      code: 'spawner_unavailable',
      message: 'the kubernetes spawner could not start: no kubeconfig found',
    });
  });

  it('stands in when no factory is registered for the type', async () => {
    const spawner = await createSpawner('docker', dependencies, {});

    expect(await spawner.checkReadiness()).toEqual({
      ready: false,
      reason: 'the docker spawner is not available in this build',
    });
  });
});
