import { AppError, type Logger } from '@agentsmith/kit';
import type { SpawnerType } from '../config/dispatcher-config.js';
import type { JobSpawner, SpawnerReadiness } from './job-spawner.js';

/** What a spawner factory receives from the composition root. */
export interface SpawnerDependencies {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Agent image, e.g. `agentsmith:latest`. */
  image: string;
  /** Hard deadline of one job. */
  jobMaxDurationMs: number;
}

/** Builds one spawner implementation; may throw when the engine cannot be configured. */
export type SpawnerFactory = (
  dependencies: SpawnerDependencies,
) => JobSpawner | Promise<JobSpawner>;

/**
 * `SPAWNER_TYPE` → factory. The spawner issue fills in `docker` and `kubernetes`; until a factory
 * is registered, its type is reported as not available.
 */
export const spawnerFactories: Partial<Record<SpawnerType, SpawnerFactory>> = {};

/** Registers the factory for a `SPAWNER_TYPE` value (called by the spawner modules' wiring). */
export function registerSpawnerFactory(type: SpawnerType, factory: SpawnerFactory): void {
  spawnerFactories[type] = factory;
}

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

/**
 * Builds the spawner `type` names. Never throws: a missing factory or a factory that fails
 * yields an {@link UnavailableJobSpawner} that explains why.
 */
export async function createSpawner(
  type: SpawnerType,
  dependencies: SpawnerDependencies,
  factories: Partial<Record<SpawnerType, SpawnerFactory>> = spawnerFactories,
): Promise<JobSpawner> {
  const factory = factories[type];
  if (!factory) {
    return new UnavailableJobSpawner(type, `the ${type} spawner is not available in this build`);
  }
  try {
    return await factory(dependencies);
  } catch (error) {
    const reason = `the ${type} spawner could not start: ${error instanceof Error ? error.message : String(error)}`;
    dependencies.logger.warn(
      { err: error, spawnerType: type },
      'Spawner unavailable; fix requests will be refused',
    );
    return new UnavailableJobSpawner(type, reason);
  }
}
