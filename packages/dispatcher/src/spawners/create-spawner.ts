import { AppError, type Logger } from '@agentsmith/kit';
import { readFile } from 'node:fs/promises';
import type { DispatcherConfig } from '../config/dispatcher-config.js';
import type { JobSpawner, SpawnerReadiness } from './job-spawner.js';

/**
 * A stand-in used when no spawner could be built: `fix` replies with `reason`, while everything
 * that needs no spawner keeps working (lessons: degrade, never die).
 */
export class UnavailableJobSpawner implements JobSpawner {
  constructor(
    readonly type: string,
    private readonly reason: string,
  ) {}

  spawn(): Promise<string> {
    return Promise.reject(new AppError('spawner_unavailable', this.reason));
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  waitForExit(jobId: string): Promise<never> {
    return Promise.reject(
      new AppError('spawner_unavailable', `cannot watch job ${jobId}: ${this.reason}`),
    );
  }
  listJobs(): Promise<[]> {
    return Promise.resolve([]);
  }
  remove(): Promise<void> {
    return Promise.resolve();
  }
  checkReadiness(): Promise<SpawnerReadiness> {
    return Promise.resolve({ ready: false, reason: this.reason });
  }
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

/**
 * Each engine's client is imported only when SPAWNER_TYPE names it: `@kubernetes/client-node`
 * alone costs the process about 95 MB of resident memory and dockerode about 30 MB
 * (docs/benchmarks.md, row 6), and a dispatcher only ever drives one engine.
 */
async function engineFor(
  settings: DispatcherConfig['spawner'],
  agentConfigPath: string,
  logger: Logger,
): Promise<JobSpawner> {
  const readAgentConfig = agentConfigReader(agentConfigPath);
  switch (settings.type) {
    case 'docker': {
      const { DockerJobSpawner } = await import('./docker/docker-job-spawner.js');
      return new DockerJobSpawner({
        settings: settings.docker,
        agentEnv: settings.agentEnv,
        readAgentConfig,
        logger,
      });
    }
    case 'kubernetes': {
      const { KubernetesJobSpawner, loadKubeConfig } =
        await import('./kubernetes/kubernetes-job-spawner.js');
      return new KubernetesJobSpawner({
        settings: settings.kubernetes,
        kubeConfig: loadKubeConfig(settings.kubeconfig),
        readAgentConfig,
        logger,
      });
    }
  }
}

/**
 * Builds the spawner `SPAWNER_TYPE` names. Never rejects: an engine that cannot be configured
 * (e.g. no kubeconfig) yields an {@link UnavailableJobSpawner} that explains why.
 */
export async function createSpawner(config: DispatcherConfig, logger: Logger): Promise<JobSpawner> {
  const { type } = config.spawner;
  try {
    return await engineFor(config.spawner, config.configPath, logger);
  } catch (error) {
    const reason = `the ${type} spawner could not start: ${error instanceof Error ? error.message : String(error)}`;
    logger.warn(
      { err: error, spawnerType: type },
      'Spawner unavailable; fix requests will be refused',
    );
    return new UnavailableJobSpawner(type, reason);
  }
}
