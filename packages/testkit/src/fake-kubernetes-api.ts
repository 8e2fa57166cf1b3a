import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';

type Manifest = Record<string, unknown> & {
  metadata?: { name?: string; uid?: string; labels?: Record<string, string> };
  status?: unknown;
};

/** Checks a manifest the client sent (e.g. with kubernetes-models); throw to reject it. */
export type ManifestValidator = (manifest: Manifest) => void;

/**
 * A strict fake of the slice of the Kubernetes API the Kubernetes spawner uses: Jobs and
 * ConfigMaps and Secrets (created, deleted with their owning Job), Pods (list, delete collection) and Events (list).
 * Tests script Job status, Pods and Events; every created manifest passes `validate` first.
 */
export class FakeKubernetesApi {
  readonly server = new FakeServer('kubernetes');
  readonly jobs = new Map<string, Manifest>();
  readonly configMaps = new Map<string, Manifest>();
  /** Secrets as created (garbage-collected with their owning Job, like the real cluster). */
  readonly secrets = new Map<string, Manifest>();
  /** Pods and events by job name, as the test scripts them. */
  readonly pods = new Map<string, unknown[]>();
  readonly events = new Map<string, unknown[]>();
  /** Answer the next Job creation with this (e.g. a 403 quota rejection). */
  rejectNextJob: FakeResponse | undefined;
  #uid = 0;

  constructor(
    readonly namespace = 'agentsmith',
    private readonly validate: ManifestValidator = () => undefined,
  ) {
    const base = `/apis/batch/v1/namespaces/${namespace}/jobs`;
    const core = `/api/v1/namespaces/${namespace}`;
    this.server
      .on('POST', base, (request) => this.#create(this.jobs, request, true))
      .on('GET', base, (request) => ({
        body: this.#list('JobList', [...this.jobs.values()], request),
      }))
      .on('GET', `${base}/:name`, (request) => this.#read(this.jobs, request.params['name'] ?? ''))
      .on('DELETE', `${base}/:name`, (request) => this.#delete(request.params['name'] ?? ''))
      .on('POST', `${core}/configmaps`, (request) => this.#create(this.configMaps, request, false))
      .on('POST', `${core}/secrets`, (request) => this.#create(this.secrets, request, false))
      .on('GET', `${core}/pods`, (request) => ({
        body: this.#list('PodList', this.#podsFor(request), request),
      }))
      .on('DELETE', `${core}/pods`, () => ({
        body: { kind: 'Status', apiVersion: 'v1', status: 'Success' },
      }))
      .on('GET', `${core}/events`, (request) => {
        const name =
          /involvedObject\.name=([^,]+)/.exec(request.query.get('fieldSelector') ?? '')?.[1] ?? '';
        return {
          body: {
            kind: 'EventList',
            apiVersion: 'v1',
            metadata: {},
            items: this.events.get(name) ?? [],
          },
        };
      });
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A kubeconfig file pointing at this fake (token auth, namespace set); returns its path. */
  async writeKubeconfig(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'fake-kube-'));
    const path = join(dir, 'config');
    await writeFile(path, this.kubeconfig());
    return path;
  }

  kubeconfig(): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${this.server.url}\n    insecure-skip-tls-verify: true`,
      'users:',
      '- name: fake\n  user:\n    token: fake-token',
      'contexts:',
      `- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: ${this.namespace}`,
      'current-context: fake',
      '',
    ].join('\n');
  }

  /** Sets a Job's status (e.g. `{ conditions: [{ type: 'Complete', status: 'True' }] }`). */
  setJobStatus(name: string, status: unknown): void {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no Job ${name} in the fake Kubernetes API`);
    job.status = status;
  }

  /** Requests of one kind, e.g. `requests('POST', /\/jobs$/)`. */
  requests(method: string, path: RegExp): RecordedRequest[] {
    return this.server.requestsTo(method, path);
  }

  #create(store: Map<string, Manifest>, request: RecordedRequest, isJob: boolean): FakeResponse {
    if (isJob && this.rejectNextJob) {
      const answer = this.rejectNextJob;
      this.rejectNextJob = undefined;
      return answer;
    }
    const manifest = request.json as Manifest;
    try {
      this.validate(manifest);
    } catch (error) {
      return {
        status: 422,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'Invalid',
          code: 422,
          message: String(error),
        },
      };
    }
    const name = manifest.metadata?.name ?? '';
    if (store.has(name))
      return {
        status: 409,
        body: {
          kind: 'Status',
          code: 409,
          reason: 'AlreadyExists',
          message: `${name} already exists`,
        },
      };
    this.#uid += 1;
    const created = {
      ...manifest,
      metadata: {
        ...manifest.metadata,
        uid: `uid-${this.#uid}`,
        creationTimestamp: new Date().toISOString(),
      },
    };
    store.set(name, created);
    return { status: 201, body: created };
  }

  #read(store: Map<string, Manifest>, name: string): FakeResponse {
    const found = store.get(name);
    if (!found)
      return {
        status: 404,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: `jobs.batch "${name}" not found`,
        },
      };
    return { body: found };
  }

  #delete(name: string): FakeResponse {
    if (!this.jobs.delete(name)) return this.#read(this.jobs, name);
    for (const store of [this.configMaps, this.secrets]) {
      for (const [key, owned] of store) {
        const owners =
          (owned.metadata as { ownerReferences?: Array<{ name: string }> } | undefined)
            ?.ownerReferences ?? [];
        if (owners.some((owner) => owner.name === name)) store.delete(key);
      }
    }
    this.pods.delete(name);
    return { body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
  }

  #podsFor(request: RecordedRequest): unknown[] {
    const jobId = /job-id=([0-9a-f]+)/.exec(request.query.get('labelSelector') ?? '')?.[1];
    if (!jobId) return [...this.pods.values()].flat();
    return this.pods.get(`agentsmith-${jobId}`) ?? [];
  }

  #list(kind: string, items: unknown[], request: RecordedRequest): unknown {
    const selector = request.query.get('labelSelector');
    const wanted = selector
      ? selector.split(',').map((pair) => pair.split('=') as [string, string])
      : [];
    const matching = items.filter((item) => {
      const labels = (item as Manifest).metadata?.labels ?? {};
      return kind !== 'JobList' || wanted.every(([key, value]) => labels[key] === value);
    });
    return {
      kind,
      apiVersion: kind === 'JobList' ? 'batch/v1' : 'v1',
      metadata: {},
      items: matching,
    };
  }
}
