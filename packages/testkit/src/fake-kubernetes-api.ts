import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';

type Manifest = Record<string, unknown> & {
  metadata?: {
    name?: string;
    uid?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
  status?: unknown;
};

/** The collections a client can watch here. */
type WatchedKind = 'jobs' | 'pods';
type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface WatchEvent {
  resourceVersion: number;
  kind: WatchedKind;
  type: WatchEventType;
  object: Manifest;
}

interface Watcher {
  kind: WatchedKind;
  selector: Array<[string, string]>;
  response: ServerResponse;
}

/** `a=b,c=d` as pairs. */
function parseSelector(selector: string | null): Array<[string, string]> {
  return selector ? selector.split(',').map((pair) => pair.split('=') as [string, string]) : [];
}

function matches(object: Manifest, selector: Array<[string, string]>): boolean {
  const labels = object.metadata?.labels ?? {};
  return selector.every(([key, value]) => labels[key] === value);
}

/**
 * Pods by the name of their Job, as a test scripts them. Setting a Job's Pods stamps them as the
 * Job controller would (the Job's template labels, `job-name`, the namespace) and tells watchers.
 */
class PodsByJob extends Map<string, unknown[]> {
  constructor(
    private readonly changed: (job: string, before: unknown[], after: unknown[]) => unknown[],
  ) {
    super();
  }

  override set(job: string, pods: unknown[]): this {
    return super.set(job, this.changed(job, super.get(job) ?? [], pods));
  }

  override delete(job: string): boolean {
    const before = super.get(job);
    if (!before) return false;
    this.changed(job, before, []);
    return super.delete(job);
  }
}

/** Checks a manifest the client sent (e.g. with kubernetes-models); throw to reject it. */
export type ManifestValidator = (manifest: Manifest) => void;

/**
 * A strict fake of the slice of the Kubernetes API the Kubernetes spawner uses: Jobs and
 * ConfigMaps and Secrets (created, deleted with their owning Job), Pods (list, delete collection) and Events (list).
 * Tests script Job status, Pods and Events; every created manifest passes `validate` first.
 *
 * Jobs and Pods can be watched the way the API server serves it: `?watch=true` answers a chunked
 * stream of JSON lines (`{"type":"ADDED","object":…}`), every change carries a growing
 * `resourceVersion`, lists carry the current one, a watch resumes after the version it names,
 * and one older than the kept history is answered with a 410 Gone `ERROR` event.
 */
export class FakeKubernetesApi {
  readonly server = new FakeServer('kubernetes');
  readonly jobs = new Map<string, Manifest>();
  readonly configMaps = new Map<string, Manifest>();
  /** Secrets as created (garbage-collected with their owning Job, like the real cluster). */
  readonly secrets = new Map<string, Manifest>();
  /** Pods and events by job name, as the test scripts them. */
  readonly pods = new PodsByJob((job, before, after) => this.#podsChanged(job, before, after));
  readonly events = new Map<string, unknown[]>();
  /**
   * What the caller may not do, as `<verb> <resource>` (e.g. `create jobs`, `deletecollection
   * pods`): SelfSubjectAccessReviews answer `allowed: false` for these, `true` for the rest.
   */
  readonly deniedAccess = new Set<string>();
  /** Answer the next Job creation with this (e.g. a 403 quota rejection). */
  rejectNextJob: FakeResponse | undefined;
  #uid = 0;
  #resourceVersion = 1000;
  /** Watches resuming from before this version are answered 410 Gone. */
  #oldestKept = 1000;
  readonly #history: WatchEvent[] = [];
  readonly #watchers = new Set<Watcher>();

  constructor(
    readonly namespace = 'agentsmith',
    private readonly validate: ManifestValidator = () => undefined,
  ) {
    const base = `/apis/batch/v1/namespaces/${namespace}/jobs`;
    const core = `/api/v1/namespaces/${namespace}`;
    this.server
      .on('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', (request) =>
        this.#reviewAccess(request),
      )
      .on('POST', base, (request) => this.#create(this.jobs, request, true))
      .on('GET', base, (request) =>
        request.query.get('watch') === 'true'
          ? this.#watch('jobs', request)
          : { body: this.#list('JobList', [...this.jobs.values()], request) },
      )
      .on('GET', `${base}/:name`, (request) => this.#read(this.jobs, request.params['name'] ?? ''))
      .on('DELETE', `${base}/:name`, (request) => this.#delete(request.params['name'] ?? ''))
      .on('POST', `${core}/configmaps`, (request) => this.#create(this.configMaps, request, false))
      .on('POST', `${core}/secrets`, (request) => this.#create(this.secrets, request, false))
      .on('GET', `${core}/pods`, (request) =>
        request.query.get('watch') === 'true'
          ? this.#watch('pods', request)
          : { body: this.#list('PodList', [...this.pods.values()].flat(), request) },
      )
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

  /** A SelfSubjectAccessReview, answered from {@link deniedAccess} (namespace checked too). */
  #reviewAccess(request: RecordedRequest): FakeResponse {
    const review = request.json as {
      spec?: { resourceAttributes?: Record<string, string | undefined> };
    };
    const attributes = review.spec?.resourceAttributes ?? {};
    const resource = [attributes['resource'], attributes['subresource']].filter(Boolean).join('/');
    const allowed =
      attributes['namespace'] === this.namespace &&
      !this.deniedAccess.has(`${attributes['verb']} ${resource}`);
    return {
      status: 201,
      body: {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec: review.spec,
        status: allowed ? { allowed: true } : { allowed: false, reason: 'no RBAC rule allows it' },
      },
    };
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    this.closeWatches();
    return this.server.stop();
  }

  /** Open watch streams. */
  get watching(): number {
    return this.#watchers.size;
  }

  /** Ends every open watch, as the API server does when a watch times out or it restarts. */
  closeWatches(): void {
    for (const watcher of this.#watchers) watcher.response.end();
    this.#watchers.clear();
  }

  /**
   * Forgets the change history (an etcd compaction) and ends the watches: a client resuming from
   * the version it last saw gets 410 Gone and has to list again.
   */
  expireHistory(): void {
    this.#resourceVersion += 1;
    this.#oldestKept = this.#resourceVersion;
    this.#history.length = 0;
    this.closeWatches();
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
    this.#changed('jobs', 'MODIFIED', job);
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
    if (isJob) this.#changed('jobs', 'ADDED', created);
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
    const job = this.jobs.get(name);
    if (!job || !this.jobs.delete(name)) return this.#read(this.jobs, name);
    this.#changed('jobs', 'DELETED', job);
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

  #list(kind: string, items: unknown[], request: RecordedRequest): unknown {
    const wanted = parseSelector(request.query.get('labelSelector'));
    return {
      kind,
      apiVersion: kind === 'JobList' ? 'batch/v1' : 'v1',
      metadata: { resourceVersion: String(this.#resourceVersion) },
      items: items.filter((item) => matches(item as Manifest, wanted)),
    };
  }

  /** Records a change under a new resourceVersion and tells the watchers it concerns. */
  #changed(kind: WatchedKind, type: WatchEventType, object: Manifest): void {
    this.#resourceVersion += 1;
    object.metadata = { ...object.metadata, resourceVersion: String(this.#resourceVersion) };
    const event = {
      resourceVersion: this.#resourceVersion,
      kind,
      type,
      object: structuredClone(object),
    };
    this.#history.push(event);
    for (const watcher of this.#watchers)
      if (watcher.kind === kind && matches(event.object, watcher.selector))
        watcher.response.write(`${JSON.stringify({ type, object: event.object })}\n`);
  }

  #podsChanged(job: string, before: unknown[], after: unknown[]): unknown[] {
    const template = this.jobs.get(job) as
      { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } | undefined;
    const stamped = (after as Manifest[]).map((pod) => ({
      ...pod,
      metadata: {
        ...pod.metadata,
        namespace: this.namespace,
        labels: {
          ...template?.spec?.template?.metadata?.labels,
          'job-name': job,
          ...pod.metadata?.labels,
        },
      },
    }));
    const names = new Set(stamped.map((pod) => pod.metadata.name));
    for (const pod of before as Manifest[])
      if (!names.has(pod.metadata?.name)) this.#changed('pods', 'DELETED', pod);
    const existing = new Set((before as Manifest[]).map((pod) => pod.metadata?.name));
    for (const pod of stamped)
      this.#changed('pods', existing.has(pod.metadata.name) ? 'MODIFIED' : 'ADDED', pod);
    return stamped;
  }

  /** A watch: what changed after the version asked for, then every change as it happens. */
  #watch(kind: WatchedKind, request: RecordedRequest): FakeResponse {
    const selector = parseSelector(request.query.get('labelSelector'));
    const from = Number(request.query.get('resourceVersion') ?? '0') || this.#resourceVersion;
    return {
      stream: (response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.flushHeaders();
        if (from < this.#oldestKept) {
          response.end(
            `${JSON.stringify({
              type: 'ERROR',
              object: {
                kind: 'Status',
                apiVersion: 'v1',
                metadata: {},
                status: 'Failure',
                message: `too old resource version: ${from} (${this.#oldestKept})`,
                reason: 'Expired',
                code: 410,
              },
            })}\n`,
          );
          return;
        }
        for (const event of this.#history)
          if (
            event.resourceVersion > from &&
            event.kind === kind &&
            matches(event.object, selector)
          )
            response.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
        const watcher = { kind, selector, response };
        this.#watchers.add(watcher);
        response.on('close', () => this.#watchers.delete(watcher));
      },
    };
  }
}
