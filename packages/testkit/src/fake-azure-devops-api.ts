import { bodyObject, fieldText, presentedCredential, QueuedAnswers } from './fake-saas-failures.js';
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';

/** A state of a work item type and its category. */
export interface FakeAzureState {
  name: string;
  category: 'Proposed' | 'InProgress' | 'Resolved' | 'Completed' | 'Removed';
}

/** A comment on a work item held by {@link FakeAzureDevopsApi}. */
export interface FakeAzureComment {
  id: number;
  text: string;
  /** `markdown` or `html`. */
  format: string;
  /** The author's display name. */
  author?: string;
  createdDate?: string;
}

/** A work item held by {@link FakeAzureDevOpsApi}. */
export interface FakeAzureWorkItem {
  id: number;
  type: string;
  title: string;
  /** HTML. */
  description: string;
  state: string;
  tags: string[];
  comments: FakeAzureComment[];
}

/** A pull request held by {@link FakeAzureDevOpsApi}. */
export interface FakeAzurePullRequest {
  pullRequestId: number;
  title: string;
  description: string;
  status: 'active' | 'abandoned' | 'completed';
  sourceRefName: string;
  targetRefName: string;
  /** `isDraft` as created (Azure Repos' field). */
  isDraft: boolean;
}

interface FakeAzureProject {
  name: string;
  types: Map<string, FakeAzureState[]>;
  repositories: Map<
    string,
    { id: string; name: string; defaultBranch: string; pulls: Map<number, FakeAzurePullRequest> }
  >;
}

export interface FakeAzureDevOpsApiOptions {
  organization: string;
  /** The PAT with write access (Basic auth, any user name). */
  token: string;
  /** A PAT that may read but not write (403 to writes). */
  readOnlyToken?: string;
}

/** The Agile process's states of the types the fake knows by default. */
export const AGILE_TASK_STATES: FakeAzureState[] = [
  { name: 'New', category: 'Proposed' },
  { name: 'Active', category: 'InProgress' },
  { name: 'Closed', category: 'Completed' },
  { name: 'Removed', category: 'Removed' },
];
export const AGILE_BUG_STATES: FakeAzureState[] = [
  { name: 'New', category: 'Proposed' },
  { name: 'Active', category: 'InProgress' },
  { name: 'Resolved', category: 'Resolved' },
  { name: 'Closed', category: 'Completed' },
];

/**
 * A stateful fake of the Azure DevOps REST API 7.1 for one organisation: work item types with
 * their states, work items (JSON Patch writes, batch reads), WIQL, work item comments (7.1-preview),
 * repositories and pull requests (409 TF401179 for a second active one). Every call must name an
 * `api-version`; auth is a PAT as Basic; errors carry Azure's `{ message, typeKey, … }` bodies.
 */
export class FakeAzureDevOpsApi {
  readonly server = new FakeServer('azuredevops');
  readonly #projects = new Map<string, FakeAzureProject>();
  readonly #workItems = new Map<number, FakeAzureWorkItem & { project: string }>();
  readonly #answers = new QueuedAnswers();
  readonly #options: FakeAzureDevOpsApiOptions;
  #nextId = 1;
  #nextPull = 1;
  #nextComment = 1;

  constructor(options: FakeAzureDevOpsApiOptions) {
    this.#options = options;
    this.#routes();
  }

  /** The organisation URL (what `tickets.url` is set to). */
  get organizationUrl(): string {
    return `${this.server.url}/${this.#options.organization}`;
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

  /** Adds a project with work item types (default: Agile's Task and Bug). */
  addProject(name: string, types?: Record<string, FakeAzureState[]>): this {
    this.#projects.set(name, {
      name,
      types: new Map(Object.entries(types ?? { Task: AGILE_TASK_STATES, Bug: AGILE_BUG_STATES })),
      repositories: new Map(),
    });
    return this;
  }

  addRepository(project: string, name: string, options: { defaultBranch?: string } = {}): this {
    this.#project(project).repositories.set(name, {
      id: `00000000-0000-0000-0000-${String(this.#project(project).repositories.size + 1).padStart(12, '0')}`,
      name,
      defaultBranch: options.defaultBranch ?? 'main',
      pulls: new Map(),
    });
    return this;
  }

  /** Adds a work item (description as HTML) and returns its id. */
  seedWorkItem(
    project: string,
    item: { title: string; description?: string; type?: string; state?: string; id?: number },
  ): number {
    const type = item.type ?? 'Task';
    const states = this.#project(project).types.get(type);
    if (!states) throw new Error(`fake azure devops: project ${project} has no type ${type}`);
    const id = item.id ?? this.#nextId;
    this.#nextId = Math.max(this.#nextId, id + 1);
    this.#workItems.set(id, {
      id,
      project,
      type,
      title: item.title,
      description: item.description ?? '',
      state: item.state ?? states[0]?.name ?? 'New',
      tags: [],
      comments: [],
    });
    return id;
  }

  seedPullRequest(
    project: string,
    repository: string,
    pull: {
      source: string;
      target?: string;
      title?: string;
      description?: string;
      isDraft?: boolean;
    },
  ): number {
    const repo = this.#repository(project, repository);
    const id = this.#nextPull++;
    repo.pulls.set(id, {
      pullRequestId: id,
      title: pull.title ?? `Merge ${pull.source}`,
      description: pull.description ?? '',
      status: 'active',
      sourceRefName: `refs/heads/${pull.source}`,
      targetRefName: `refs/heads/${pull.target ?? repo.defaultBranch}`,
      isDraft: pull.isDraft === true,
    });
    return id;
  }

  /** Adds a person's comment (the newest), in markdown. */
  seedComment(id: number, comment: { author: string; body: string }): void {
    const found = this.workItem(id);
    if (!found) throw new Error(`no work item ${id}`);
    found.comments.push({
      id: this.#nextComment++,
      text: comment.body,
      format: 'markdown',
      author: comment.author,
      createdDate: new Date().toISOString(),
    });
  }

  workItem(id: number): FakeAzureWorkItem | undefined {
    return this.#workItems.get(id);
  }

  pullRequests(project: string, repository: string): FakeAzurePullRequest[] {
    return [...this.#repository(project, repository).pulls.values()];
  }

  /** Answers the next `times` requests matching `method` and path with `response`. */
  failNext(method: string, path: string | RegExp, response: FakeResponse, times = 1): this {
    this.#answers.add(method, path, response, times);
    return this;
  }

  /** Azure DevOps throttling: 429 with `Retry-After` and the `X-RateLimit-*` headers. */
  rateLimitNext(method: string, path: string | RegExp, retryAfterSeconds: number, times = 1): this {
    return this.failNext(
      method,
      path,
      {
        status: 429,
        headers: {
          'retry-after': String(retryAfterSeconds),
          'x-ratelimit-resource': 'ATCPU',
          'x-ratelimit-delay': '1.5',
          'x-ratelimit-limit': '200',
          'x-ratelimit-remaining': '0',
        },
        body: azureError('TF400733: The request has been throttled.', 'RequestBlockedException'),
      },
      times,
    );
  }

  #routes(): void {
    const on = (
      method: string,
      path: string,
      write: boolean,
      handler: (project: FakeAzureProject, request: RecordedRequest) => FakeResponse,
    ) =>
      this.server.on(method, `/:org/:project/_apis${path}`, (request) => {
        const queued = this.#answers.take(request);
        if (queued) return queued;
        const denied = this.#authorize(request, write);
        if (denied) return denied;
        if (!request.query.get('api-version')) {
          return {
            status: 400,
            body: azureError(
              `No api-version was supplied for the "${request.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
              'VssVersionNotSpecifiedException',
            ),
          };
        }
        const project = this.#projects.get(request.params['project'] ?? '');
        if (request.params['org'] !== this.#options.organization || !project) {
          return {
            status: 404,
            body: azureError(
              `TF200016: The following project does not exist: ${request.params['project']}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
              'ProjectDoesNotExistWithNameException',
            ),
          };
        }
        return handler(project, request);
      });
    const item = (
      project: FakeAzureProject,
      request: RecordedRequest,
      then: (item: FakeAzureWorkItem) => FakeResponse,
    ) => {
      const id = Number(request.params['id']);
      const found = this.#workItems.get(id);
      return found && found.project === project.name
        ? then(found)
        : {
            status: 404,
            body: azureError(
              `TF401232: Work item ${request.params['id']} does not exist, or you do not have permissions to read it.`,
              'WorkItemUnauthorizedAccessException',
            ),
          };
    };

    on('GET', '/wit/workitemtypes', false, (project) =>
      ok({
        count: project.types.size,
        value: [...project.types.entries()].map(([name, states]) => ({
          name,
          referenceName: `Microsoft.VSTS.WorkItemTypes.${name}`,
          states: states.map((state) => ({ ...state, color: '007acc' })),
        })),
      }),
    );
    on('GET', '/wit/workitemtypes/:type/states', false, (project, request) => {
      const states = project.types.get(request.params['type'] ?? '');
      return states
        ? ok({
            count: states.length,
            value: states.map((state) => ({ ...state, color: '007acc' })),
          })
        : {
            status: 404,
            body: azureError(
              `TF201063: Work item type ${request.params['type']} does not exist.`,
              'WorkItemTypeNotFoundException',
            ),
          };
    });
    on('GET', '/wit/workitems/:id', false, (project, request) =>
      item(project, request, (found) => ok(this.#itemJson(project, found))),
    );
    on('GET', '/wit/workitems', false, (project, request) => {
      const ids = (request.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
      if (ids.length > 200)
        return {
          status: 400,
          body: azureError(
            'VS402337: The number of work items requested exceeds the limit of 200.',
            'WorkItemTrackingException',
          ),
        };
      const value = ids
        .map((id) => this.#workItems.get(id))
        .filter(
          (found): found is FakeAzureWorkItem & { project: string } =>
            found?.project === project.name,
        )
        .map((found) => this.#itemJson(project, found));
      return ok({ count: value.length, value });
    });
    on('POST', '/wit/workitems/:type', true, (project, request) => {
      const type = (request.params['type'] ?? '').replace(/^\$/, '');
      if (!request.headers['content-type']?.includes('application/json-patch+json'))
        return unsupportedMediaType(request);
      if (!project.types.has(type)) {
        return {
          status: 404,
          body: azureError(
            `TF201063: Work item type ${type} does not exist.`,
            'WorkItemTypeNotFoundException',
          ),
        };
      }
      const fields = patchFields(request.json);
      if (typeof fields['System.Title'] !== 'string') {
        return {
          status: 400,
          body: azureError(
            'TF401320: Rule Error for field Title. Error code: Required, InvalidEmpty.',
            'RuleValidationException',
          ),
        };
      }
      const id = this.seedWorkItem(project.name, {
        title: fields['System.Title'],
        description:
          typeof fields['System.Description'] === 'string' ? fields['System.Description'] : '',
        type,
      });
      return ok(this.#itemJson(project, this.#workItems.get(id)!));
    });
    on('PATCH', '/wit/workitems/:id', true, (project, request) =>
      item(project, request, (found) => {
        if (!request.headers['content-type']?.includes('application/json-patch+json'))
          return unsupportedMediaType(request);
        const fields = patchFields(request.json);
        const state = fields['System.State'];
        if (typeof state === 'string') {
          if (
            !(project.types.get(found.type) ?? []).some((candidate) => candidate.name === state)
          ) {
            return {
              status: 400,
              body: azureError(
                `TF401320: Rule Error for field State. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidEmpty. The field 'State' contains the value '${state}' that is not in the list of supported values`,
                'RuleValidationException',
              ),
            };
          }
          found.state = state;
        }
        if (typeof fields['System.Title'] === 'string') found.title = fields['System.Title'];
        return ok(this.#itemJson(project, found));
      }),
    );
    on('POST', '/wit/wiql', false, (project, request) => {
      const query = fieldText(bodyObject(request.json)['query'], '');
      const excluded = new Set(
        [...(/NOT IN \(([^)]*)\)/i.exec(query)?.[1] ?? '').matchAll(/'((?:[^']|'')*)'/g)].map(
          (match) => (match[1] ?? '').replace(/''/g, "'"),
        ),
      );
      const workItems = [...this.#workItems.values()]
        .filter((found) => found.project === project.name && !excluded.has(found.state))
        .sort((a, b) => b.id - a.id)
        .map((found) => ({
          id: found.id,
          url: `${this.organizationUrl}/_apis/wit/workItems/${found.id}`,
        }));
      return ok({ queryType: 'flat', asOf: new Date(0).toISOString(), columns: [], workItems });
    });
    on('GET', '/wit/workItems/:id/comments', false, (project, request) =>
      item(project, request, (found) => {
        const top = Number(request.query.get('$top') ?? 200);
        const start = Number(request.query.get('continuationToken') ?? 0);
        const ordered =
          request.query.get('order') === 'desc' ? [...found.comments].reverse() : found.comments;
        const page = ordered.slice(start, start + top);
        const more = start + top < found.comments.length;
        return ok({
          totalCount: found.comments.length,
          count: page.length,
          comments: page.map(({ author, createdDate, ...comment }) => ({
            workItemId: found.id,
            ...comment,
            createdBy: { displayName: author ?? 'Agent Smith bot' },
            createdDate: createdDate ?? new Date(0).toISOString(),
          })),
          ...(more ? { continuationToken: String(start + top) } : {}),
        });
      }),
    );
    on('POST', '/wit/workItems/:id/comments', true, (project, request) =>
      item(project, request, (found) => {
        const text = bodyObject(request.json)['text'];
        if (typeof text !== 'string' || text === '') {
          return {
            status: 400,
            body: azureError('VS403691: Comment text cannot be empty.', 'WorkItemCommentException'),
          };
        }
        const comment = {
          id: this.#nextComment++,
          text,
          format: request.query.get('format') ?? 'html',
          author: 'Agent Smith bot',
          createdDate: new Date().toISOString(),
        };
        found.comments.push(comment);
        return ok({ workItemId: found.id, ...comment });
      }),
    );
    on('GET', '/git/repositories/:repo', false, (project, request) =>
      this.#withRepository(project, request, (repo) =>
        ok({
          id: repo.id,
          name: repo.name,
          defaultBranch: `refs/heads/${repo.defaultBranch}`,
          webUrl: `${this.organizationUrl}/${project.name}/_git/${repo.name}`,
        }),
      ),
    );
    on('GET', '/git/repositories/:repo/pullrequests', false, (project, request) =>
      this.#withRepository(project, request, (repo) => {
        const source = request.query.get('searchCriteria.sourceRefName');
        const target = request.query.get('searchCriteria.targetRefName');
        const status = request.query.get('searchCriteria.status') ?? 'active';
        const value = [...repo.pulls.values()]
          .filter((pull) => status === 'all' || pull.status === status)
          .filter((pull) => !source || pull.sourceRefName === source)
          .filter((pull) => !target || pull.targetRefName === target)
          .map((pull) => this.#pullJson(project, repo.name, pull));
        return ok({ count: value.length, value });
      }),
    );
    on('POST', '/git/repositories/:repo/pullrequests', true, (project, request) =>
      this.#withRepository(project, request, (repo) => {
        const body = bodyObject(request.json);
        const source = fieldText(body['sourceRefName'], '');
        const target = fieldText(body['targetRefName'], '');
        if (
          !source.startsWith('refs/heads/') ||
          !target.startsWith('refs/heads/') ||
          typeof body['title'] !== 'string'
        ) {
          return {
            status: 400,
            body: azureError(
              'TF401398: The pull request cannot be created: sourceRefName, targetRefName and title are required.',
              'InvalidArgumentValueException',
            ),
          };
        }
        if (body['isDraft'] !== undefined && typeof body['isDraft'] !== 'boolean') {
          return {
            status: 400,
            body: azureError(
              'TF401398: The pull request cannot be created: isDraft must be a boolean.',
              'InvalidArgumentValueException',
            ),
          };
        }
        if (typeof body['description'] === 'string' && body['description'].length > 4000) {
          return {
            status: 400,
            body: azureError(
              'TF401395: The description is too long (over 4000 characters).',
              'InvalidArgumentValueException',
            ),
          };
        }
        const existing = [...repo.pulls.values()].some(
          (pull) =>
            pull.status === 'active' &&
            pull.sourceRefName === source &&
            pull.targetRefName === target,
        );
        if (existing) {
          return {
            status: 409,
            body: azureError(
              'TF401179: An active pull request for the source and target branch already exists.',
              'GitPullRequestExistsException',
            ),
          };
        }
        const id = this.seedPullRequest(project.name, repo.name, {
          source: source.replace('refs/heads/', ''),
          target: target.replace('refs/heads/', ''),
          title: body['title'],
          description: typeof body['description'] === 'string' ? body['description'] : '',
          isDraft: body['isDraft'] === true,
        });
        return { status: 201, body: this.#pullJson(project, repo.name, repo.pulls.get(id)!) };
      }),
    );
    on('PATCH', '/git/repositories/:repo/pullrequests/:id', true, (project, request) =>
      this.#withRepository(project, request, (repo) => {
        const pull = repo.pulls.get(Number(request.params['id']));
        if (!pull)
          return {
            status: 404,
            body: azureError(
              `TF401180: The requested pull request was not found.`,
              'GitPullRequestNotFoundException',
            ),
          };
        const body = bodyObject(request.json);
        if (typeof body['title'] === 'string') pull.title = body['title'];
        if (typeof body['description'] === 'string') pull.description = body['description'];
        return ok(this.#pullJson(project, repo.name, pull));
      }),
    );
  }

  #withRepository(
    project: FakeAzureProject,
    request: RecordedRequest,
    then: (
      repo: FakeAzureProject['repositories'] extends Map<string, infer R> ? R : never,
    ) => FakeResponse,
  ): FakeResponse {
    const repo = project.repositories.get(request.params['repo'] ?? '');
    return repo
      ? then(repo)
      : {
          status: 404,
          body: azureError(
            `TF401019: The Git repository with name or identifier ${request.params['repo']} does not exist or you do not have permissions for the operation you are attempting.`,
            'GitRepositoryNotFoundException',
          ),
        };
  }

  #itemJson(project: FakeAzureProject, item: FakeAzureWorkItem): unknown {
    return {
      id: item.id,
      rev: 1,
      fields: {
        'System.TeamProject': project.name,
        'System.WorkItemType': item.type,
        'System.State': item.state,
        'System.Title': item.title,
        ...(item.description ? { 'System.Description': item.description } : {}),
        ...(item.tags.length > 0 ? { 'System.Tags': item.tags.join('; ') } : {}),
      },
      url: `${this.organizationUrl}/_apis/wit/workItems/${item.id}`,
      _links: {
        html: { href: `${this.organizationUrl}/${project.name}/_workitems/edit/${item.id}` },
      },
    };
  }

  #pullJson(project: FakeAzureProject, repository: string, pull: FakeAzurePullRequest): unknown {
    return {
      ...pull,
      repository: { name: repository, project: { name: project.name } },
      url: `${this.organizationUrl}/${project.name}/_apis/git/repositories/${repository}/pullRequests/${pull.pullRequestId}`,
    };
  }

  #authorize(request: RecordedRequest, write: boolean): FakeResponse | undefined {
    const header = request.headers.authorization ?? '';
    const password = /^basic /i.test(header)
      ? (presentedCredential(request) ?? '').replace(/^[^:]*:/, '')
      : undefined;
    if (password === this.#options.token) return undefined;
    if (password !== undefined && password === this.#options.readOnlyToken) {
      return write
        ? {
            status: 403,
            body: azureError(
              'TF400813: The user is not authorized to access this resource.',
              'UnauthorizedRequestException',
            ),
          }
        : undefined;
    }
    return {
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="https://dev.azure.com/"' },
      raw: '',
    };
  }

  #project(name: string): FakeAzureProject {
    const project = this.#projects.get(name);
    if (!project)
      throw new Error(`fake azure devops: unknown project ${name}; call addProject first`);
    return project;
  }

  #repository(project: string, name: string) {
    const repo = this.#project(project).repositories.get(name);
    if (!repo) throw new Error(`fake azure devops: unknown repository ${project}/${name}`);
    return repo;
  }
}

/** The fields a JSON Patch document sets (`/fields/<name>`). */
function patchFields(json: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (!Array.isArray(json)) return fields;
  for (const operation of json) {
    const entry = bodyObject(operation);
    const path = fieldText(entry['path'], '');
    if ((entry['op'] === 'add' || entry['op'] === 'replace') && path.startsWith('/fields/')) {
      fields[path.slice('/fields/'.length)] = entry['value'];
    }
  }
  return fields;
}

function unsupportedMediaType(request: RecordedRequest): FakeResponse {
  return {
    status: 415,
    body: azureError(
      `The request indicated a Content-Type of "${request.headers['content-type'] ?? ''}" for method type "${request.method}" which is not supported. Valid content types for this method are: application/json-patch+json.`,
      'VssRequestContentTypeNotSupportedException',
    ),
  };
}

function azureError(message: string, typeKey: string): unknown {
  return {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.${typeKey}, Microsoft.TeamFoundation.Core.WebApi`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  };
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}
