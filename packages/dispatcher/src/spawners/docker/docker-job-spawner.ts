import Docker from 'dockerode';
import type { JobSpec } from '@agentsmith/contracts';
import { AppError, silentLogger, throwIfAborted, withTimeout, type Logger } from '@agentsmith/kit';
import {
  AGENT_CONFIG_DIRECTORY,
  AGENT_CONFIG_FILENAME,
  agentConfigDelivery,
} from '@agentsmith/contracts';
import { singleFileTar } from './docker-config-archive.js';
import { dockerContainerSpec } from './docker-container-spec.js';
import { dockerEngineProblem, isStatus } from './docker-errors.js';
import { DockerExitMonitor, type ContainerExit } from './docker-exit-monitor.js';
import { detectDockerNetwork, type SelfIdentity } from './docker-network.js';
import { describeExit } from '../job-exit-description.js';
import {
  jobName,
  type JobExit,
  type JobSpawner,
  type SpawnedJob,
  type SpawnerReadiness,
} from '../job-spawner.js';
import type { DockerSpawnerSettings } from '../../config/spawner-settings.js';

const MANAGED_BY = 'managed-by=agentsmith-dispatcher';

export interface DockerJobSpawnerOptions {
  settings: Readonly<DockerSpawnerSettings>;
  /** Allow-listed variables from the dispatcher's environment (see `forwardedAgentEnv`). */
  agentEnv: Readonly<Record<string, string>>;
  /** The `agentsmith.yml` text for the agent, read at every spawn so edits apply to the next job. */
  readAgentConfig?: () => Promise<string | undefined>;
  logger?: Logger;
  /** Injected engine client (tests); by default one for the configured socket or host. */
  docker?: Docker;
  identity?: SelfIdentity;
  /**
   * Longest wait for one engine call (default 30 s; a stop gets its grace period on top). A hung
   * engine must not hang the dispatcher.
   */
  callTimeoutMs?: number;
}

/** The seed's `DockerJobSpawner`: one `AutoRemove` container per job, through the Docker socket. */
export class DockerJobSpawner implements JobSpawner {
  readonly type = 'docker';
  readonly #docker: Docker;
  readonly #monitor: DockerExitMonitor;
  readonly #logger: Logger;
  readonly #exits = new Map<string, Promise<JobExit>>();
  readonly #stopped = new Set<string>();
  #network: Promise<string> | undefined;
  readonly #callTimeoutMs: number;

  constructor(private readonly options: DockerJobSpawnerOptions) {
    const { settings } = options;
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.#docker =
      options.docker ??
      new Docker(
        settings.host
          ? { host: settings.host, port: settings.port ?? 2375 }
          : { socketPath: settings.socketPath ?? '/var/run/docker.sock' },
      );
    this.#logger = (options.logger ?? silentLogger()).child({ component: 'docker-job-spawner' });
    this.#monitor = new DockerExitMonitor(this.#docker, MANAGED_BY, this.#logger, {
      callTimeoutMs: this.#callTimeoutMs,
    });
  }

  /** Where the engine is, for messages. */
  get engineAddress(): string {
    const { settings } = this.options;
    return settings.host
      ? `tcp://${settings.host}:${settings.port ?? 2375}`
      : (settings.socketPath ?? '/var/run/docker.sock');
  }

  /** The network agents join: `DOCKER_NETWORK`, else the dispatcher's own (detected once). */
  network(): Promise<string> {
    const configured = this.options.settings.network;
    if (configured) return Promise.resolve(configured);
    // Only a successful detection is kept: an engine that was unreachable is asked again.
    this.#network ??= detectDockerNetwork(this.#docker, this.options.identity).catch(
      (error: unknown) => {
        this.#network = undefined;
        throw error;
      },
    );
    return this.#network;
  }

  async spawn(
    spec: JobSpec,
    signal?: AbortSignal,
    jobEnvironment: Record<string, string> = {},
    beforeStart?: Promise<unknown>,
  ): Promise<string> {
    const image = spec.image ?? this.options.settings.image;
    await this.#engineCall(
      `docker image inspect ${image}`,
      () => this.#docker.getImage(image).inspect(),
      (error) =>
        isStatus(error, 404)
          ? new AppError(
              'agent_image_missing',
              `agent image ${image} not found — ${buildHint(image)}`,
              {
                details: { image },
              },
            )
          : undefined,
    );
    await this.#engineCall('docker events', () => this.#monitor.start());
    throwIfAborted(signal);
    const network = await this.#engineCall('docker network detection', () => this.network());
    const configText = await this.options.readAgentConfig?.();
    const config = configText === undefined ? undefined : agentConfigDelivery(configText);
    const createOptions = dockerContainerSpec({
      spec,
      image,
      network,
      resources: this.options.settings.resources,
      env: { ...this.options.agentEnv, ...jobEnvironment },
      config,
    });
    const name = jobName(spec.jobId);
    this.#logger.info({ jobId: spec.jobId, image, network }, 'spawning agent container');
    const container = await this.#engineCall(`docker create ${name}`, () =>
      this.#docker.createContainer(createOptions),
    );
    const exit = this.#monitor.exitOf(name, container);
    this.#exits.set(spec.jobId, this.#describe(spec.jobId, exit));
    void exit.then(() => this.#forgetLater(spec.jobId));
    try {
      if (config?.as === 'file' && configText !== undefined) {
        await this.#engineCall(`docker cp agentsmith.yml ${name}`, () =>
          container.putArchive(singleFileTar(AGENT_CONFIG_FILENAME, configText), {
            path: AGENT_CONFIG_DIRECTORY,
          }),
        );
      }
      // Created and configured while the dispatcher announced the job; started only after that.
      await beforeStart;
      throwIfAborted(signal);
      await this.#engineCall(`docker start ${name}`, () => container.start());
    } catch (error) {
      await this.#engineCall(`docker rm ${name}`, () =>
        container.remove({ force: true, v: true }),
      ).catch(() => undefined);
      this.#exits.delete(spec.jobId);
      throw error instanceof AppError
        ? error
        : new AppError('spawner_failed', `could not start ${name}: ${String(error)}`, {
            cause: error,
          });
    }
    this.#logger.info({ jobId: spec.jobId, containerId: container.id }, 'spawned agent container');
    return spec.jobId;
  }

  async stop(jobId: string, options: { graceSeconds?: number } = {}): Promise<void> {
    this.#stopped.add(jobId);
    const graceSeconds = options.graceSeconds ?? 10;
    const name = jobName(jobId);
    try {
      await this.#engineCall(
        `docker stop ${name}`,
        () => this.#docker.getContainer(name).stop({ t: graceSeconds }),
        undefined,
        graceSeconds * 1000 + this.#callTimeoutMs,
      );
    } catch (error) {
      const cause = error instanceof AppError ? error.cause : error;
      if (isStatus(cause, 304) || isStatus(cause, 404) || isStatus(cause, 409)) return;
      throw error;
    }
  }

  waitForExit(jobId: string, signal?: AbortSignal): Promise<JobExit> {
    let exit = this.#exits.get(jobId);
    if (!exit) {
      exit = this.#adopt(jobId);
      this.#exits.set(jobId, exit);
    }
    if (!signal) return exit;
    let abort = (): void => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      abort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (signal.aborted) abort();
      signal.addEventListener('abort', abort, { once: true });
    });
    // A long-lived signal (e.g. the watchdog's) must not collect one listener per finished job.
    return Promise.race([exit, aborted]).finally(() => signal.removeEventListener('abort', abort));
  }

  /**
   * Agents on this dispatcher's network only: another installation (a second Compose project, a
   * test run) on the same engine has its own network, and its agents are not ours to reap.
   */
  async listJobs(): Promise<SpawnedJob[]> {
    const network = await this.#engineCall('docker network detection', () => this.network());
    const containers = await this.#engineCall('docker ps', () =>
      this.#docker.listContainers({
        all: true,
        filters: { label: [MANAGED_BY, 'app=agentsmith'], network: [network] },
      }),
    );
    return containers.flatMap((info) => {
      const labels = info.Labels;
      const jobId = labels['job-id'];
      if (!jobId) return [];
      return [
        {
          jobId,
          name: jobName(jobId),
          running: info.State === 'running',
          createdAt: info.Created * 1000,
          labels,
        },
      ];
    });
  }

  async remove(jobId: string): Promise<void> {
    this.#stopped.add(jobId);
    const name = jobName(jobId);
    try {
      await this.#engineCall(`docker rm ${name}`, () =>
        this.#docker.getContainer(name).remove({ force: true, v: true }),
      );
    } catch (error) {
      // 404: already gone; 409: AutoRemove is already removing it.
      const cause = error instanceof AppError ? error.cause : error;
      if (isStatus(cause, 404) || isStatus(cause, 409)) return;
      throw error;
    }
  }

  async checkReadiness(): Promise<SpawnerReadiness> {
    try {
      await withTimeout(this.#docker.ping(), this.#callTimeoutMs, 'docker ping');
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: dockerEngineProblem(error, this.engineAddress).message };
    }
  }

  /** Stops following engine events. Running containers are left alone (the reaper owns them). */
  close(): Promise<void> {
    this.#monitor.close();
    return Promise.resolve();
  }

  /** Keeps a finished job's exit for late `waitForExit` calls for a while, then lets it go. */
  #forgetLater(jobId: string): void {
    setTimeout(() => {
      this.#exits.delete(jobId);
      this.#stopped.delete(jobId);
    }, 10 * 60_000).unref();
  }

  async #describe(jobId: string, exit: Promise<ContainerExit>): Promise<JobExit> {
    const facts = await exit;
    if (facts.vanished)
      return {
        jobId,
        reason: 'vanished',
        message: `container ${jobName(jobId)} disappeared while the Docker engine was not reporting (daemon restart?)`,
      };
    return describeExit(jobId, {
      ...facts,
      stopped: this.#stopped.has(jobId),
      memoryBytes: this.options.settings.resources.memoryBytes,
    });
  }

  /** A job this process did not spawn (e.g. after a restart): follow it if it still exists. */
  async #adopt(jobId: string): Promise<JobExit> {
    const name = jobName(jobId);
    await this.#engineCall('docker events', () => this.#monitor.start());
    const container = this.#docker.getContainer(name);
    let state: { Running?: boolean; ExitCode?: number; OOMKilled?: boolean };
    try {
      state = (await this.#engineCall(`docker inspect ${name}`, () => container.inspect())).State;
    } catch (error) {
      const cause = error instanceof AppError ? error.cause : error;
      if (isStatus(cause, 404))
        return { jobId, reason: 'vanished', message: `container ${name} is gone` };
      throw error;
    }
    if (!state.Running) {
      this.#monitor.recordExit(name, {
        exitCode: state.ExitCode ?? -1,
        oomKilled: state.OOMKilled ?? false,
      });
    }
    return this.#describe(jobId, this.#monitor.exitOf(name, state.Running ? container : undefined));
  }

  /** Runs an engine call with a time limit, turning "no engine" (or a hung one) into a `spawner_unavailable` error that says what to fix. */
  async #engineCall<T>(
    what: string,
    call: () => Promise<T>,
    translate?: (error: unknown) => AppError | undefined,
    timeoutMs = this.#callTimeoutMs,
  ): Promise<T> {
    try {
      return await withTimeout(call(), timeoutMs, what);
    } catch (error) {
      const translated = translate?.(error);
      if (translated) throw translated;
      const problem = dockerEngineProblem(error, this.engineAddress);
      if (problem.unreachable) {
        throw new AppError('spawner_unavailable', problem.message, {
          cause: error,
          retryable: true,
        });
      }
      throw error instanceof AppError
        ? error
        : new AppError('spawner_failed', `Docker engine call failed: ${String(error)}`, {
            cause: error,
          });
    }
  }
}

/** What builds a missing agent image (a project's own image is built FROM one of these). */
function buildHint(image: string): string {
  return image === 'agentsmith:polyglot'
    ? 'run `docker compose build agentsmith agentsmith-polyglot`'
    : 'run `docker compose build agentsmith`';
}
