import {
  makeInformer,
  type BatchV1Api,
  type CoreV1Api,
  type CoreV1Event,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type ObjectCache,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import { withTimeout, type Logger } from '@agentsmith/kit';
import { jobName, type JobExit } from '../job-spawner.js';
import { kubernetesStatus } from './kubernetes-errors.js';
import { kubernetesJobExit, type KubernetesJobFacts } from './kubernetes-job-status.js';

export interface KubernetesJobWatchOptions {
  kubeConfig: KubeConfig;
  batch: BatchV1Api;
  core: CoreV1Api;
  namespace: string;
  /** Label selector of the dispatcher's Jobs and their Pods. */
  selector: string;
  logger: Logger;
  /** Longest wait for one API call (list, read). */
  callTimeoutMs: number;
  /**
   * How often every awaited job is looked at again from the cache (and, while it has no Pod, its
   * events are read once): the informer's resync. Default 30 s.
   */
  resyncMs?: number;
  /** First wait before restarting an informer that failed; doubles up to 30 s. */
  restartDelayMs?: number;
  /** Facts of a job that are not in the watched objects (image, memory limit, stopped by us). */
  facts: (
    jobId: string,
    job: V1Job | undefined,
  ) => Omit<KubernetesJobFacts, 'job' | 'pods' | 'events'>;
}

interface Waiter {
  resolve: (exit: JobExit & { fatal?: boolean }) => void;
  /** The Job was seen in the cache (so its absence now means it was deleted). */
  seen: boolean;
  events: CoreV1Event[];
}

type CachedInformer<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

/**
 * Follows the dispatcher's Jobs and their Pods through two informers (list once, then a watch that
 * resumes from the last resourceVersion and lists again after 410 Gone), instead of polling each
 * job. A job's exit is decided from the cached objects whenever one of them changes, and on every
 * resync. An informer that fails is restarted with back-off.
 */
export class KubernetesJobWatch {
  readonly #jobs: CachedInformer<V1Job>;
  readonly #pods: CachedInformer<V1Pod>;
  readonly #waiters = new Map<string, Waiter[]>();
  #started: Promise<void> | undefined;
  #resync: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: KubernetesJobWatchOptions) {
    const { kubeConfig, batch, core, namespace, selector, callTimeoutMs } = options;
    this.#jobs = makeInformer<V1Job>(
      kubeConfig,
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      () =>
        withTimeout(
          batch.listNamespacedJob({ namespace, labelSelector: selector }),
          callTimeoutMs,
          'list Jobs',
        ),
      selector,
    );
    this.#pods = makeInformer<V1Pod>(
      kubeConfig,
      `/api/v1/namespaces/${namespace}/pods`,
      () =>
        withTimeout(
          core.listNamespacedPod({ namespace, labelSelector: selector }),
          callTimeoutMs,
          'list Pods',
        ),
      selector,
    );
    this.#follow('Jobs', this.#jobs);
    this.#follow('Pods', this.#pods);
  }

  #follow<T extends KubernetesObject>(name: string, informer: CachedInformer<T>): void {
    const changed = (object: T) => {
      const jobId = object.metadata?.labels?.['job-id'];
      if (jobId) this.#evaluate(jobId);
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    this.#restartOnError(name, informer);
  }

  /** Lists and starts watching (once); later calls wait for the same start. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      await Promise.all([this.#jobs.start(), this.#pods.start()]);
      this.#resync = setInterval(() => void this.#resyncAll(), this.options.resyncMs ?? 30_000);
      this.#resync.unref();
    })().catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  /** Resolves once the job's Job or Pod shows how it ended. */
  async exitOf(jobId: string, signal?: AbortSignal): Promise<JobExit & { fatal?: boolean }> {
    await this.start();
    let abort = (): void => undefined;
    const exit = new Promise<JobExit & { fatal?: boolean }>((resolve, reject) => {
      const waiter: Waiter = { resolve, seen: false, events: [] };
      const list = this.#waiters.get(jobId) ?? [];
      list.push(waiter);
      this.#waiters.set(jobId, list);
      abort = () => {
        this.#forget(jobId, waiter);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
    });
    if (signal) {
      if (signal.aborted) abort();
      signal.addEventListener('abort', abort, { once: true });
      void exit.then(
        () => signal.removeEventListener('abort', abort),
        () => signal.removeEventListener('abort', abort),
      );
    }
    this.#evaluate(jobId);
    // Not in the cache yet: a Job created a moment ago, or one deleted while we were away.
    if (!this.#cachedJob(jobId)) await this.#confirmPresence(jobId);
    return exit;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#resync);
    await Promise.all([this.#jobs.stop(), this.#pods.stop()]);
  }

  #restartOnError<T extends KubernetesObject>(name: string, informer: CachedInformer<T>): void {
    let delay = this.options.restartDelayMs ?? 1_000;
    informer.on('connect', () => {
      delay = this.options.restartDelayMs ?? 1_000;
    });
    informer.on('error', (error: unknown) => {
      if (this.#closed) return;
      this.options.logger.warn(
        { err: error, retryInMs: delay },
        `Kubernetes watch of ${name} failed; restarting it`,
      );
      setTimeout(() => {
        if (!this.#closed)
          informer
            .start()
            .catch((startError: unknown) =>
              this.options.logger.warn({ err: startError }, `Kubernetes watch of ${name} failed`),
            );
      }, delay).unref();
      delay = Math.min(30_000, delay * 2);
    });
  }

  #cachedJob(jobId: string): V1Job | undefined {
    return this.#jobs.get(jobName(jobId), this.options.namespace);
  }

  #evaluate(jobId: string): void {
    const waiters = this.#waiters.get(jobId);
    if (!waiters?.length) return;
    const job = this.#cachedJob(jobId);
    if (job) for (const waiter of waiters) waiter.seen = true;
    // A Job never seen here may simply not have reached the cache yet: only a read says it is gone.
    if (!job && !waiters.some((waiter) => waiter.seen)) return;
    const pods = this.#pods
      .list(this.options.namespace)
      .filter((pod) => pod.metadata?.labels?.['job-id'] === jobId);
    const exit = kubernetesJobExit({
      ...this.options.facts(jobId, job),
      job,
      pods,
      events: waiters.flatMap((waiter) => waiter.events),
    });
    if (!exit) return;
    this.#waiters.delete(jobId);
    for (const waiter of waiters) waiter.resolve(exit);
  }

  async #confirmPresence(jobId: string): Promise<void> {
    const { batch, namespace, callTimeoutMs } = this.options;
    try {
      await withTimeout(
        batch.readNamespacedJob({ name: jobName(jobId), namespace }),
        callTimeoutMs,
        `read Job ${jobName(jobId)}`,
      );
    } catch (error) {
      if (kubernetesStatus(error) !== 404) return;
      for (const waiter of this.#waiters.get(jobId) ?? []) waiter.seen = true;
      this.#evaluate(jobId);
    }
  }

  /** The resync: looks at every awaited job again; reads the events of those without a Pod. */
  async #resyncAll(): Promise<void> {
    for (const jobId of [...this.#waiters.keys()]) {
      const hasPod = this.#pods
        .list(this.options.namespace)
        .some((pod) => pod.metadata?.labels?.['job-id'] === jobId);
      if (!hasPod && this.#cachedJob(jobId)) await this.#readEvents(jobId);
      if (!this.#cachedJob(jobId)) await this.#confirmPresence(jobId);
      this.#evaluate(jobId);
    }
  }

  /** Why the Job controller made no Pod (e.g. FailedCreate over quota), once per resync. */
  async #readEvents(jobId: string): Promise<void> {
    const { core, namespace, callTimeoutMs } = this.options;
    try {
      const list = await withTimeout(
        core.listNamespacedEvent({
          namespace,
          fieldSelector: `involvedObject.kind=Job,involvedObject.name=${jobName(jobId)}`,
        }),
        callTimeoutMs,
        'list events',
      );
      for (const waiter of this.#waiters.get(jobId) ?? []) waiter.events = list.items;
    } catch (error) {
      this.options.logger.debug({ err: error, jobId }, 'Could not read the events of a Job');
    }
  }

  #forget(jobId: string, waiter: Waiter): void {
    const rest = (this.#waiters.get(jobId) ?? []).filter((other) => other !== waiter);
    if (rest.length > 0) this.#waiters.set(jobId, rest);
    else this.#waiters.delete(jobId);
  }
}
