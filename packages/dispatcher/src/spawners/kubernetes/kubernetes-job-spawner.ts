import { BatchV1Api, CoreV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import type { JobSpec } from '@agentsmith/contracts';
import { AppError, silentLogger, throwIfAborted, withTimeout, type Logger } from '@agentsmith/kit';
import {
  jobName,
  type JobExit,
  type JobSpawner,
  type SpawnedJob,
  type SpawnerReadiness,
} from '../job-spawner.js';
import {
  isQuotaRejection,
  kubernetesApiProblem,
  kubernetesFailure,
  kubernetesStatus,
} from './kubernetes-errors.js';
import {
  kubernetesConfigMapManifest,
  kubernetesJobManifest,
  kubernetesJobSecretManifest,
} from './kubernetes-job-manifest.js';
import { KubernetesJobWatch } from './kubernetes-job-watch.js';
import type { KubeconfigSource, KubernetesSpawnerSettings } from '../../config/spawner-settings.js';

const OWNED = 'app=agentsmith,managed-by=agentsmith-dispatcher';

export interface KubernetesJobSpawnerOptions {
  settings: Readonly<KubernetesSpawnerSettings>;
  /** The `agentsmith.yml` text, read at every spawn and delivered as a ConfigMap owned by the Job. */
  readAgentConfig?: () => Promise<string | undefined>;
  /** Injected configuration (tests); by default in-cluster, else `KUBECONFIG`/~/.kube/config. */
  kubeConfig?: KubeConfig;
  logger?: Logger;
  /** How often awaited jobs are looked at again from the watch cache (default 30 s). */
  resyncMs?: number;
  /** Longest wait for one API call (default 30 s): a hung API server must not hang the dispatcher. */
  callTimeoutMs?: number;
}

/**
 * In-cluster configuration when running in a Pod (`KUBERNETES_SERVICE_HOST` set), else the
 * kubeconfig named by `KUBECONFIG` (its first file), else `~/.kube/config`.
 */
export function loadKubeConfig(source: Readonly<KubeconfigSource>): KubeConfig {
  const config = new KubeConfig();
  if (source.inCluster) config.loadFromCluster();
  else if (source.file) config.loadFromFile(source.file);
  else config.loadFromDefault();
  if (!config.getCurrentCluster())
    throw new Error('no Kubernetes cluster configured: run in a cluster or set KUBECONFIG');
  return config;
}

/** The seed's `KubernetesJobSpawner`: one `batch/v1` Job per agent. */
export class KubernetesJobSpawner implements JobSpawner {
  readonly type = 'kubernetes';
  readonly #batch: BatchV1Api;
  readonly #core: CoreV1Api;
  readonly #logger: Logger;
  readonly #stopped = new Set<string>();
  readonly #namespace: string;
  readonly #callTimeoutMs: number;
  readonly #watch: KubernetesJobWatch;

  constructor(private readonly options: KubernetesJobSpawnerOptions) {
    const config = options.kubeConfig ?? loadKubeConfig({ inCluster: false });
    this.#batch = config.makeApiClient(BatchV1Api);
    this.#core = config.makeApiClient(CoreV1Api);
    this.#logger = (options.logger ?? silentLogger()).child({
      component: 'kubernetes-job-spawner',
    });
    this.#namespace = options.settings.namespace;
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.#watch = new KubernetesJobWatch({
      kubeConfig: config,
      batch: this.#batch,
      core: this.#core,
      namespace: this.#namespace,
      selector: OWNED,
      logger: this.#logger,
      callTimeoutMs: this.#callTimeoutMs,
      ...(options.resyncMs === undefined ? {} : { resyncMs: options.resyncMs }),
      facts: (jobId, job) => ({
        jobId,
        // The project's own image when it named one (JobSpec.image), as the Job records it.
        image: job?.spec?.template.spec?.containers[0]?.image ?? this.options.settings.image,
        memoryBytes: this.options.settings.resources.memoryBytes,
        stopped: this.#stopped.has(jobId),
      }),
    });
  }

  /** Runs one API call with the time limit. */
  #call<T>(what: string, call: () => Promise<T>, timeoutMs = this.#callTimeoutMs): Promise<T> {
    return withTimeout(call(), timeoutMs, what);
  }

  async spawn(
    spec: JobSpec,
    signal?: AbortSignal,
    jobEnvironment: Record<string, string> = {},
    beforeStart?: Promise<unknown>,
  ): Promise<string> {
    const namespace = this.#namespace;
    const configText = await this.options.readAgentConfig?.();
    // Creating the Job starts it (its ConfigMap and Secret are owned by it, so they follow).
    await beforeStart;
    throwIfAborted(signal);
    const secretKeys = Object.keys(jobEnvironment);
    const manifest = kubernetesJobManifest(
      spec,
      this.options.settings,
      configText !== undefined,
      secretKeys,
    );
    this.#logger.info({ jobId: spec.jobId, namespace }, 'creating agent Job');
    let created: V1Job;
    try {
      created = await this.#call(`create Job ${jobName(spec.jobId)}`, () =>
        this.#batch.createNamespacedJob({ namespace, body: manifest }),
      );
    } catch (error) {
      throw this.#spawnError(error);
    }
    const uid = created.metadata?.uid ?? '';
    try {
      if (configText !== undefined) {
        await this.#call('create ConfigMap', () =>
          this.#core.createNamespacedConfigMap({
            namespace,
            body: kubernetesConfigMapManifest(spec, namespace, uid, configText),
          }),
        );
      }
      if (secretKeys.length > 0) {
        // The Pod waits for its Secret; owned by the Job, it is deleted with it.
        await this.#call('create Secret', () =>
          this.#core.createNamespacedSecret({
            namespace,
            body: kubernetesJobSecretManifest(spec, namespace, uid, jobEnvironment),
          }),
        );
      }
    } catch (error) {
      await this.remove(spec.jobId).catch(() => undefined);
      throw this.#spawnError(error);
    }
    this.#logger.info({ jobId: spec.jobId, uid: created.metadata?.uid }, 'created agent Job');
    return spec.jobId;
  }

  async stop(jobId: string, options: { graceSeconds?: number } = {}): Promise<void> {
    this.#stopped.add(jobId);
    const graceSeconds = options.graceSeconds ?? 30;
    await this.#ignoreNotFound(() =>
      this.#call(
        `delete Pods of ${jobName(jobId)}`,
        () =>
          this.#core.deleteCollectionNamespacedPod({
            namespace: this.#namespace,
            labelSelector: `${OWNED},job-id=${jobId}`,
            gracePeriodSeconds: graceSeconds,
          }),
        graceSeconds * 1000 + this.#callTimeoutMs,
      ),
    );
    await this.remove(jobId);
  }

  /** Follows the Job and its Pod through the watch (see kubernetes-job-watch.ts); nothing polls. */
  async waitForExit(jobId: string, signal?: AbortSignal): Promise<JobExit> {
    throwIfAborted(signal);
    const { fatal, ...exit } = await this.#watch.exitOf(jobId, signal);
    if (fatal) await this.remove(jobId).catch(() => undefined);
    return exit;
  }

  async listJobs(): Promise<SpawnedJob[]> {
    const list = await this.#call('list Jobs', () =>
      this.#batch.listNamespacedJob({ namespace: this.#namespace, labelSelector: OWNED }),
    );
    return list.items.flatMap((job) => {
      const labels = job.metadata?.labels ?? {};
      const jobId = labels['job-id'];
      if (!jobId) return [];
      const finished = (job.status?.conditions ?? []).some(
        (condition) =>
          (condition.type === 'Complete' || condition.type === 'Failed') &&
          condition.status === 'True',
      );
      const created = job.metadata?.creationTimestamp;
      return [
        {
          jobId,
          name: jobName(jobId),
          running: !finished,
          createdAt: created ? new Date(created).getTime() : 0,
          labels,
        },
      ];
    });
  }

  async remove(jobId: string): Promise<void> {
    this.#stopped.add(jobId);
    await this.#ignoreNotFound(() =>
      this.#call(`delete Job ${jobName(jobId)}`, () =>
        this.#batch.deleteNamespacedJob({
          name: jobName(jobId),
          namespace: this.#namespace,
          propagationPolicy: 'Background',
        }),
      ),
    );
  }

  async checkReadiness(): Promise<SpawnerReadiness> {
    try {
      // Pods of our own namespace: a cluster-wide list would need more RBAC and answer 403.
      await this.#call('list Pods', () =>
        this.#core.listNamespacedPod({ namespace: this.#namespace, limit: 1 }),
      );
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: kubernetesApiProblem(error, this.#namespace) };
    }
  }

  /** Stops watching. Running Jobs are left alone (the reaper owns them). */
  close(): Promise<void> {
    return this.#watch.close();
  }

  #spawnError(error: unknown): AppError {
    const problem = kubernetesApiProblem(error, this.#namespace);
    const failure = kubernetesFailure(error);
    if (isQuotaRejection(failure))
      return new AppError('spawner_quota_exceeded', problem, { cause: error, retryable: true });
    return new AppError(
      failure.status === undefined ? 'spawner_unavailable' : 'spawner_failed',
      problem,
      { cause: error },
    );
  }

  async #ignoreNotFound(call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (kubernetesStatus(error) !== 404) throw error;
    }
  }
}
