import { readFile } from 'node:fs/promises';
import { forwardedAgentEnv } from '@agentsmith/contracts';
import { registerSpawnerFactory, type SpawnerDependencies } from './create-spawner.js';
import { DockerJobSpawner } from './docker-job-spawner.js';
import { KubernetesJobSpawner, loadKubeConfig } from './kubernetes-job-spawner.js';
import { spawnerSettingsFromEnv, type SpawnerSettings } from './spawner-settings.js';

function settingsFor(dependencies: SpawnerDependencies): SpawnerSettings {
  const settings = spawnerSettingsFromEnv(dependencies.env);
  settings.docker.image = dependencies.image;
  settings.kubernetes.image = dependencies.image;
  return settings;
}

/** Reads `agentsmith.yml` at each spawn, so the next job sees edits; none → the agent's default. */
function agentConfigReader(path: string): () => Promise<string | undefined> {
  return async () => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  };
}

/** Builds the `docker` spawner from the dispatcher's environment. */
export function createDockerJobSpawner(dependencies: SpawnerDependencies): DockerJobSpawner {
  const settings = settingsFor(dependencies);
  return new DockerJobSpawner({
    settings: settings.docker,
    agentEnv: forwardedAgentEnv(dependencies.env),
    readAgentConfig: agentConfigReader(settings.configPath),
    logger: dependencies.logger,
  });
}

/** Builds the `kubernetes` spawner: in-cluster configuration in a Pod, else `KUBECONFIG`. */
export function createKubernetesJobSpawner(
  dependencies: SpawnerDependencies,
): KubernetesJobSpawner {
  const settings = settingsFor(dependencies);
  return new KubernetesJobSpawner({
    settings: settings.kubernetes,
    kubeConfig: loadKubeConfig(dependencies.env),
    readAgentConfig: agentConfigReader(settings.configPath),
    logger: dependencies.logger,
  });
}

/** Registers both spawners with `createSpawner`; call once from `main.ts`. */
export function registerBuiltInSpawners(): void {
  registerSpawnerFactory('docker', createDockerJobSpawner);
  registerSpawnerFactory('kubernetes', createKubernetesJobSpawner);
}
