import { bodyObject, fieldText, presentedCredential, QueuedAnswers } from './fake-saas-failures.js';
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';

/** An issue held by {@link FakeGitlabApi}. */
export interface FakeGitlabIssue {
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  labels: string[];
  notes: FakeGitlabNote[];
}

/** A note (comment) on an issue held by {@link FakeGitlabApi}. */
export interface FakeGitlabNote {
  body: string;
  /** The author's username. */
  author: string;
  createdAt: string;
  /** GitLab's own notes ("changed the description"). */
  system?: boolean;
}

/** A merge request held by {@link FakeGitlabApi}. */
export interface FakeGitlabMergeRequest {
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  sourceBranch: string;
  targetBranch: string;
}

interface FakeGitlabProject {
  id: number;
  path: string;
  defaultBranch: string;
  private: boolean;
  nextIssue: number;
  nextMergeRequest: number;
  issues: Map<number, FakeGitlabIssue>;
  mergeRequests: Map<number, FakeGitlabMergeRequest>;
}

export interface FakeGitlabApiOptions {
  /** The token with write access (`PRIVATE-TOKEN` or `Authorization: Bearer`). */
  token: string;
  /** A token that may read but not write (answers 403 to writes). */
  readOnlyToken?: string;
  /** Path prefix of a self-managed instance, e.g. `/gitlab` (the API is `<prefix>/api/v4`). */
  prefix?: string;
  /** Host of the `web_url`s (default `https://gitlab.example.com`). */
  webBaseUrl?: string;
}

/**
 * A stateful fake of the GitLab REST API v4 (projects by URL-encoded path or id, issues by iid,
 * notes, issue statistics, merge requests) as GitLab documents it: `PRIVATE-TOKEN` auth,
 * `X-Total`/`X-Next-Page` pagination headers, `{"message": …}` error bodies, 409 for a second
 * open merge request of a branch, and plain-text `Retry later` 429s with `Retry-After`.
 */
export class FakeGitlabApi {
  readonly server = new FakeServer('gitlab');
  readonly #projects = new Map<string, FakeGitlabProject>();
  readonly #answers = new QueuedAnswers();
  readonly #options: FakeGitlabApiOptions;
  readonly #prefix: string;
  #nextProjectId = 1;

  constructor(options: FakeGitlabApiOptions) {
    this.#options = options;
    this.#prefix = (options.prefix ?? '').replace(/\/+$/, '');
    this.#routes();
  }

  /** The instance URL, prefix included (what `GITLAB_URL` is set to). */
  get url(): string {
    return `${this.server.url}${this.#prefix}`;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  addProject(path: string, options: { defaultBranch?: string; private?: boolean } = {}): this {
    this.#projects.set(path, {
      id: this.#nextProjectId++,
      path,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? true,
      nextIssue: 1,
      nextMergeRequest: 1,
      issues: new Map(),
      mergeRequests: new Map(),
    });
    return this;
  }

  seedIssue(
    path: string,
    issue: {
      title: string;
      description?: string;
      iid?: number;
      state?: 'opened' | 'closed';
      labels?: string[];
    },
  ): number {
    const project = this.#project(path);
    const iid = issue.iid ?? project.nextIssue;
    project.nextIssue = Math.max(project.nextIssue, iid + 1);
    project.issues.set(iid, {
      iid,
      title: issue.title,
      description: issue.description ?? '',
      state: issue.state ?? 'opened',
      labels: issue.labels ?? [],
      notes: [],
    });
    return iid;
  }

  seedMergeRequest(
    path: string,
    request: { sourceBranch: string; targetBranch?: string; title?: string; description?: string },
  ): number {
    const project = this.#project(path);
    const iid = project.nextMergeRequest++;
    project.mergeRequests.set(iid, {
      iid,
      title: request.title ?? `Merge ${request.sourceBranch}`,
      description: request.description ?? '',
      state: 'opened',
      sourceBranch: request.sourceBranch,
      targetBranch: request.targetBranch ?? project.defaultBranch,
    });
    return iid;
  }

  issue(path: string, iid: number): FakeGitlabIssue | undefined {
    return this.#project(path).issues.get(iid);
  }

  notes(path: string, iid: number): string[] {
    return (this.issue(path, iid)?.notes ?? []).map((note) => note.body);
  }

  /** Adds a note to an issue (the newest): a person's, or GitLab's own with `system`. */
  seedNote(
    path: string,
    iid: number,
    note: { author: string; body: string; system?: boolean },
  ): void {
    const issue = this.issue(path, iid);
    if (!issue) throw new Error(`no issue #${iid} in ${path}`);
    issue.notes.push({ ...note, createdAt: new Date().toISOString() });
  }

  mergeRequests(path: string): FakeGitlabMergeRequest[] {
    return [...this.#project(path).mergeRequests.values()];
  }

  /** Answers the next `times` requests matching `method` and API path (without the prefix) with `response`. */
  failNext(method: string, apiPath: string | RegExp, response: FakeResponse, times = 1): this {
    const full =
      typeof apiPath === 'string'
        ? `${this.#prefix}/api/v4${apiPath}`
        : new RegExp(`^${escape(`${this.#prefix}/api/v4`)}${apiPath.source.replace(/^\^/, '')}`);
    this.#answers.add(method, full, response, times);
    return this;
  }

  /** GitLab's throttle answer (Rack::Attack): 429, `Retry-After`, plain text. */
  rateLimitNext(
    method: string,
    apiPath: string | RegExp,
    retryAfterSeconds: number,
    times = 1,
  ): this {
    return this.failNext(
      method,
      apiPath,
      {
        status: 429,
        headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'text/plain' },
        raw: 'Retry later\n',
      },
      times,
    );
  }

  #routes(): void {
    const base = `${this.#prefix}/api/v4`;
    const on = (
      method: string,
      path: string,
      write: boolean,
      handler: (project: FakeGitlabProject, request: RecordedRequest) => FakeResponse,
    ) =>
      this.server.on(method, `${base}${path}`, (request) => {
        const queued = this.#answers.take(request);
        if (queued) return queued;
        const id = request.params['id'] ?? '';
        const project = [...this.#projects.values()].find(
          (candidate) => candidate.path === id || String(candidate.id) === id,
        );
        const denied = this.#authorize(request, write, project?.private ?? true);
        if (denied) return denied;
        return project ? handler(project, request) : message(404, '404 Project Not Found');
      });

    on('GET', '/projects/:id', false, (project) => ok(this.#projectJson(project)));
    on('GET', '/projects/:id/issues', false, (project, request) => {
      const state = request.query.get('state') ?? 'all';
      const sort = request.query.get('sort') ?? 'desc';
      const all = [...project.issues.values()]
        .filter((issue) => state === 'all' || issue.state === state)
        .sort((a, b) => (sort === 'asc' ? a.iid - b.iid : b.iid - a.iid));
      return paginate(request, all, (issue) => this.#issueJson(project, issue));
    });
    on('GET', '/projects/:id/issues_statistics', false, (project) => {
      const issues = [...project.issues.values()];
      const opened = issues.filter((issue) => issue.state === 'opened').length;
      return ok({
        statistics: { counts: { all: issues.length, closed: issues.length - opened, opened } },
      });
    });
    on('POST', '/projects/:id/issues', true, (project, request) => {
      const body = bodyObject(request.json);
      if (typeof body['title'] !== 'string' || body['title'] === '') {
        return { status: 400, body: { error: 'title is missing' } };
      }
      const iid = this.seedIssue(project.path, {
        title: body['title'],
        description: typeof body['description'] === 'string' ? body['description'] : '',
      });
      return { status: 201, body: this.#issueJson(project, project.issues.get(iid)!) };
    });
    on('GET', '/projects/:id/issues/:iid', false, (project, request) =>
      withIssue(project, request, (issue) => ok(this.#issueJson(project, issue))),
    );
    on('PUT', '/projects/:id/issues/:iid', true, (project, request) =>
      withIssue(project, request, (issue) => {
        const body = bodyObject(request.json);
        if (body['state_event'] === 'close') issue.state = 'closed';
        if (body['state_event'] === 'reopen') issue.state = 'opened';
        if (typeof body['add_labels'] === 'string') {
          for (const label of body['add_labels'].split(',').map((part) => part.trim())) {
            if (label && !issue.labels.includes(label)) issue.labels.push(label);
          }
        }
        if (typeof body['title'] === 'string') issue.title = body['title'];
        if (typeof body['description'] === 'string') issue.description = body['description'];
        return ok(this.#issueJson(project, issue));
      }),
    );
    on('GET', '/projects/:id/issues/:iid/notes', false, (project, request) =>
      withIssue(project, request, (issue) => {
        const notes = issue.notes.map((note, index) => ({
          id: issue.iid * 1000 + index + 1,
          body: note.body,
          author: { username: note.author, name: note.author },
          created_at: note.createdAt,
          system: note.system ?? false,
        }));
        if (request.query.get('sort') === 'desc') notes.reverse();
        return paginate(request, notes, (note) => note);
      }),
    );
    on('POST', '/projects/:id/issues/:iid/notes', true, (project, request) =>
      withIssue(project, request, (issue) => {
        const body = bodyObject(request.json)['body'];
        if (typeof body !== 'string' || body === '')
          return { status: 400, body: { error: 'body is missing' } };
        issue.notes.push({ body, author: 'agentsmith-bot', createdAt: new Date().toISOString() });
        return {
          status: 201,
          body: { id: issue.iid * 1000 + issue.notes.length, body, system: false },
        };
      }),
    );
    on('GET', '/projects/:id/merge_requests', false, (project, request) => {
      const state = request.query.get('state') ?? 'all';
      const source = request.query.get('source_branch');
      const target = request.query.get('target_branch');
      const found = [...project.mergeRequests.values()]
        .filter((mr) => state === 'all' || mr.state === state)
        .filter((mr) => !source || mr.sourceBranch === source)
        .filter((mr) => !target || mr.targetBranch === target)
        .sort((a, b) => b.iid - a.iid);
      return paginate(request, found, (mr) => this.#mergeRequestJson(project, mr));
    });
    on('POST', '/projects/:id/merge_requests', true, (project, request) => {
      const body = bodyObject(request.json);
      const source = fieldText(body['source_branch'], '');
      const target = fieldText(body['target_branch'], '');
      if (!source || !target || typeof body['title'] !== 'string') {
        return { status: 400, body: { error: 'source_branch, target_branch, title are missing' } };
      }
      const open = [...project.mergeRequests.values()].find(
        (mr) => mr.state === 'opened' && mr.sourceBranch === source,
      );
      if (open) {
        return {
          status: 409,
          body: {
            message: [
              `Another open merge request already exists for this source branch: !${open.iid}`,
            ],
          },
        };
      }
      const iid = this.seedMergeRequest(project.path, {
        sourceBranch: source,
        targetBranch: target,
        title: body['title'],
        description: typeof body['description'] === 'string' ? body['description'] : '',
      });
      return {
        status: 201,
        body: this.#mergeRequestJson(project, project.mergeRequests.get(iid)!),
      };
    });
    on('PUT', '/projects/:id/merge_requests/:iid', true, (project, request) => {
      const mr = project.mergeRequests.get(Number(request.params['iid']));
      if (!mr) return message(404, '404 Not found');
      const body = bodyObject(request.json);
      if (typeof body['title'] === 'string') mr.title = body['title'];
      if (typeof body['description'] === 'string') mr.description = body['description'];
      return ok(this.#mergeRequestJson(project, mr));
    });
  }

  #authorize(
    request: RecordedRequest,
    write: boolean,
    isPrivate: boolean,
  ): FakeResponse | undefined {
    const credential = presentedCredential(request);
    if (credential === undefined) {
      return write || isPrivate ? message(401, '401 Unauthorized') : undefined;
    }
    if (credential === this.#options.token) return undefined;
    if (credential === this.#options.readOnlyToken) {
      return write ? message(403, '403 Forbidden') : undefined;
    }
    return message(401, '401 Unauthorized');
  }

  #web(project: FakeGitlabProject): string {
    return `${this.#options.webBaseUrl ?? 'https://gitlab.example.com'}${this.#prefix}/${project.path}`;
  }

  #projectJson(project: FakeGitlabProject): unknown {
    return {
      id: project.id,
      path_with_namespace: project.path,
      default_branch: project.defaultBranch,
      web_url: this.#web(project),
      visibility: project.private ? 'private' : 'public',
    };
  }

  #issueJson(project: FakeGitlabProject, issue: FakeGitlabIssue): unknown {
    return {
      id: project.id * 100_000 + issue.iid,
      iid: issue.iid,
      project_id: project.id,
      title: issue.title,
      description: issue.description,
      state: issue.state,
      labels: issue.labels,
      web_url: `${this.#web(project)}/-/issues/${issue.iid}`,
    };
  }

  #mergeRequestJson(project: FakeGitlabProject, mr: FakeGitlabMergeRequest): unknown {
    return {
      // GitLab derives draft status from the title's prefix (`Draft:`, `[Draft]`, `(Draft)`).
      draft: /^\s*(\[draft\]|\(draft\)|draft:)/i.test(mr.title),
      id: project.id * 100_000 + mr.iid,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      web_url: `${this.#web(project)}/-/merge_requests/${mr.iid}`,
    };
  }

  #project(path: string): FakeGitlabProject {
    const project = this.#projects.get(path);
    if (!project) throw new Error(`fake gitlab: unknown project ${path}; call addProject first`);
    return project;
  }
}

function withIssue(
  project: FakeGitlabProject,
  request: RecordedRequest,
  then: (issue: FakeGitlabIssue) => FakeResponse,
): FakeResponse {
  const issue = project.issues.get(Number(request.params['iid']));
  return issue ? then(issue) : message(404, '404 Issue Not Found');
}

/** GitLab's offset pagination: `page`/`per_page` in, `X-Total`, `X-Next-Page`, … out. */
function paginate<T>(
  request: RecordedRequest,
  items: T[],
  json: (item: T) => unknown,
): FakeResponse {
  const perPage = Math.min(Number(request.query.get('per_page') ?? 20), 100);
  const page = Math.max(Number(request.query.get('page') ?? 1), 1);
  const totalPages = Math.max(Math.ceil(items.length / perPage), 1);
  return {
    status: 200,
    headers: {
      'x-total': String(items.length),
      'x-total-pages': String(totalPages),
      'x-per-page': String(perPage),
      'x-page': String(page),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
    },
    body: items.slice((page - 1) * perPage, page * perPage).map(json),
  };
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

function message(status: number, text: string): FakeResponse {
  return { status, body: { message: text } };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
