import { bodyObject, fieldText, presentedCredential, QueuedAnswers } from './fake-saas-failures.js';
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';

/** A status of the fake workflow and its category (`new`, `indeterminate`, `done`). */
export interface FakeJiraStatus {
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

/** A transition of the fake workflow: available from every status except its target. */
export interface FakeJiraTransition {
  id: string;
  name: string;
  to: string;
}

/** A comment held by {@link FakeJiraApi}: body as sent (ADF on v3, wiki text on v2). */
export interface FakeJiraComment {
  id: string;
  body: unknown;
  properties: { key: string; value: unknown }[];
  /** The author's display name. */
  author?: string;
  created?: string;
}

/** An issue held by {@link FakeJiraApi}. */
export interface FakeJiraIssue {
  key: string;
  number: number;
  summary: string;
  /** A string (seeded text, or v2 wiki text) or an ADF document (written through v3). */
  description: unknown;
  status: string;
  labels: string[];
  issueType: string;
  comments: FakeJiraComment[];
}

export interface FakeJiraApiOptions {
  /** Jira Cloud: the account e-mail of Basic auth; without it the token is a Bearer PAT (Server). */
  email?: string;
  token: string;
  /** A token that may browse but not change anything (403 to writes). */
  readOnlyToken?: string;
  statuses?: FakeJiraStatus[];
  transitions?: FakeJiraTransition[];
}

const DEFAULT_STATUSES: FakeJiraStatus[] = [
  { name: 'To Do', category: 'new' },
  { name: 'In Progress', category: 'indeterminate' },
  { name: 'In Review', category: 'indeterminate' },
  { name: 'Done', category: 'done' },
];
const DEFAULT_TRANSITIONS: FakeJiraTransition[] = [
  { id: '11', name: 'To Do', to: 'To Do' },
  { id: '21', name: 'Start Progress', to: 'In Progress' },
  { id: '31', name: 'Review', to: 'In Review' },
  { id: '41', name: 'Resolve', to: 'Done' },
];

/**
 * A stateful fake of the Jira REST API, v3 (Cloud: ADF bodies, `/search/jql` with
 * `nextPageToken`, `/search/approximate-count`) and v2 (Server / Data Center: wiki text,
 * `/search` with `total`), with issues, comments with entity properties, `/comment/list`,
 * workflow transitions, Basic (e-mail + API token) or Bearer (PAT) auth, and Jira's
 * `{"errorMessages": […], "errors": {}}` error bodies.
 */
export class FakeJiraApi {
  readonly server = new FakeServer('jira');
  readonly #projects = new Map<
    string,
    { key: string; next: number; issues: Map<number, FakeJiraIssue> }
  >();
  readonly #answers = new QueuedAnswers();
  readonly #options: FakeJiraApiOptions;
  readonly #statuses: FakeJiraStatus[];
  readonly #transitions: FakeJiraTransition[];
  #nextCommentId = 10_000;

  constructor(options: FakeJiraApiOptions) {
    this.#options = options;
    this.#statuses = options.statuses ?? DEFAULT_STATUSES;
    this.#transitions = options.transitions ?? DEFAULT_TRANSITIONS;
    this.#routes();
  }

  get url(): string {
    return this.server.url;
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

  addProject(key: string): this {
    this.#projects.set(key, { key, next: 1, issues: new Map() });
    return this;
  }

  /** Adds an issue (description as plain text) and returns its key. */
  seedIssue(
    projectKey: string,
    issue: {
      summary: string;
      description?: string;
      number?: number;
      status?: string;
      labels?: string[];
    },
  ): string {
    const project = this.#project(projectKey);
    const number = issue.number ?? project.next;
    project.next = Math.max(project.next, number + 1);
    const key = `${projectKey}-${number}`;
    project.issues.set(number, {
      key,
      number,
      summary: issue.summary,
      description: issue.description ?? null,
      status: issue.status ?? this.#statuses[0]?.name ?? 'To Do',
      labels: issue.labels ?? [],
      issueType: 'Task',
      comments: [],
    });
    return key;
  }

  issue(key: string): FakeJiraIssue | undefined {
    const [projectKey = '', number = ''] = key.split('-');
    return this.#projects.get(projectKey)?.issues.get(Number(number));
  }

  comments(key: string): FakeJiraComment[] {
    return [...(this.issue(key)?.comments ?? [])];
  }

  /** Adds a person's comment (the newest): ADF on Cloud (v3), wiki text on Server. */
  seedComment(key: string, comment: { author: string; body: string }): void {
    const issue = this.issue(key);
    if (!issue) throw new Error(`no issue ${key}`);
    const body = this.#options.email
      ? {
          type: 'doc',
          version: 1,
          content: [{ type: 'paragraph', content: [{ type: 'text', text: comment.body }] }],
        }
      : comment.body;
    issue.comments.push({
      id: String(this.#nextCommentId++),
      body,
      properties: [],
      author: comment.author,
      created: jiraTime(new Date()),
    });
  }

  /** Answers the next `times` requests matching `method` and path with `response`. */
  failNext(method: string, path: string | RegExp, response: FakeResponse, times = 1): this {
    this.#answers.add(method, path, response, times);
    return this;
  }

  /** Jira's rate-limit answer: 429 with `Retry-After`. */
  rateLimitNext(method: string, path: string | RegExp, retryAfterSeconds: number, times = 1): this {
    return this.failNext(
      method,
      path,
      {
        status: 429,
        headers: {
          'retry-after': String(retryAfterSeconds),
          'x-ratelimit-reason': 'jira-quota-global-based',
        },
        body: { errorMessages: ['Rate limit exceeded.'], errors: {} },
      },
      times,
    );
  }

  #routes(): void {
    const on = (
      method: string,
      path: string,
      write: boolean,
      handler: (request: RecordedRequest, version: '2' | '3') => FakeResponse,
    ) =>
      this.server.on(method, `/rest/api/:version${path}`, (request) => {
        const queued = this.#answers.take(request);
        if (queued) return queued;
        const version = request.params['version'];
        if (version !== '2' && version !== '3') return errors(404, 'Unknown REST API version.');
        return this.#authorize(request, write) ?? handler(request, version);
      });

    on('GET', '/project/:key', false, (request) => {
      const project = this.#projects.get(request.params['key'] ?? '');
      return project
        ? ok({ id: '10000', key: project.key, name: project.key })
        : errors(404, `No project could be found with key '${request.params['key']}'.`);
    });
    on('GET', '/issue/:key', false, (request, version) =>
      this.#withIssue(request, (issue) => ok(this.#issueJson(issue, version))),
    );
    on('POST', '/issue', true, (request, version) => {
      const fields = bodyObject(bodyObject(request.json)['fields']);
      const projectKey = fieldText(bodyObject(fields['project'])['key'], '');
      if (!this.#projects.has(projectKey)) {
        return {
          status: 400,
          body: { errorMessages: [], errors: { project: 'valid project is required' } },
        };
      }
      if (typeof fields['summary'] !== 'string' || fields['summary'] === '') {
        return {
          status: 400,
          body: {
            errorMessages: [],
            errors: { summary: 'You must specify a summary of the issue.' },
          },
        };
      }
      if (version === '3' && typeof fields['description'] === 'string') {
        return {
          status: 400,
          body: {
            errorMessages: [],
            errors: { description: 'Operation value must be an Atlassian Document.' },
          },
        };
      }
      const key = this.seedIssue(projectKey, { summary: fields['summary'] });
      const issue = this.issue(key)!;
      issue.description = fields['description'] ?? null;
      issue.issueType = fieldText(bodyObject(fields['issuetype'])['name'], 'Task');
      return {
        status: 201,
        body: {
          id: String(10_000 + issue.number),
          key,
          self: `${this.url}/rest/api/${version}/issue/${key}`,
        },
      };
    });
    on('GET', '/search/jql', false, (request, version) => {
      if (version !== '3') return errors(404, 'Not found');
      const found = this.#search(request.query.get('jql') ?? '');
      const maxResults = Number(request.query.get('maxResults') ?? 50);
      const start = Number(request.query.get('nextPageToken') ?? 0);
      const page = found.slice(start, start + maxResults);
      const more = start + maxResults < found.length;
      return ok({
        issues: page.map((issue) => this.#issueJson(issue, version)),
        ...(more ? { nextPageToken: String(start + maxResults) } : {}),
        isLast: !more,
      });
    });
    on('POST', '/search/approximate-count', false, (request, version) => {
      if (version !== '3') return errors(404, 'Not found');
      return ok({ count: this.#search(fieldText(bodyObject(request.json)['jql'], '')).length });
    });
    on('GET', '/search', false, (request, version) => {
      const found = this.#search(request.query.get('jql') ?? '');
      const maxResults = Number(request.query.get('maxResults') ?? 50);
      const startAt = Number(request.query.get('startAt') ?? 0);
      return ok({
        startAt,
        maxResults,
        total: found.length,
        issues: found
          .slice(startAt, startAt + maxResults)
          .map((issue) => this.#issueJson(issue, version)),
      });
    });
    on('GET', '/issue/:key/comment', false, (request) =>
      this.#withIssue(request, (issue) => {
        const startAt = Number(request.query.get('startAt') ?? 0);
        const maxResults = Number(request.query.get('maxResults') ?? 50);
        const expand = (request.query.get('expand') ?? '').split(',');
        return ok({
          startAt,
          maxResults,
          total: issue.comments.length,
          comments: issue.comments.slice(startAt, startAt + maxResults).map((comment) => ({
            id: comment.id,
            body: comment.body,
            author: { displayName: comment.author ?? 'Agent Smith bot' },
            created: comment.created ?? jiraTime(new Date(0)),
            ...(expand.includes('properties') ? { properties: comment.properties } : {}),
          })),
        });
      }),
    );
    on('POST', '/issue/:key/comment', true, (request, version) =>
      this.#withIssue(request, (issue) => {
        const body = bodyObject(request.json);
        const valid =
          version === '3'
            ? bodyObject(body['body'])['type'] === 'doc'
            : typeof body['body'] === 'string';
        if (!valid) {
          return {
            status: 400,
            body: {
              errorMessages: [],
              errors: {
                comment:
                  version === '3'
                    ? 'Comment body is not a valid Atlassian Document.'
                    : 'Comment body can not be empty!',
              },
            },
          };
        }
        const properties = Array.isArray(body['properties'])
          ? body['properties'].map((property) => {
              const entry = bodyObject(property);
              return { key: String(entry['key']), value: entry['value'] };
            })
          : [];
        const comment = {
          id: String(this.#nextCommentId++),
          body: body['body'],
          properties,
          author: 'Agent Smith bot',
          created: jiraTime(new Date()),
        };
        issue.comments.push(comment);
        return { status: 201, body: { id: comment.id, body: comment.body } };
      }),
    );
    on('POST', '/comment/list', false, (request) => {
      const ids = new Set(
        (bodyObject(request.json)['ids'] as unknown[] | undefined)?.map(String) ?? [],
      );
      const expand = (request.query.get('expand') ?? '').split(',');
      const all = [...this.#projects.values()].flatMap((project) =>
        [...project.issues.values()].flatMap((issue) => issue.comments),
      );
      const values = all
        .filter((comment) => ids.has(comment.id))
        .map((comment) => ({
          id: comment.id,
          body: comment.body,
          ...(expand.includes('properties') ? { properties: comment.properties } : {}),
        }));
      return ok({ startAt: 0, maxResults: 1000, total: values.length, isLast: true, values });
    });
    on('GET', '/comment/:id/properties/:property', false, (request) => {
      const comment = [...this.#projects.values()]
        .flatMap((project) => [...project.issues.values()].flatMap((issue) => issue.comments))
        .find((candidate) => candidate.id === request.params['id']);
      if (!comment)
        return errors(404, `Can not find a comment for the id: ${request.params['id']}.`);
      const property = comment.properties.find(
        (candidate) => candidate.key === request.params['property'],
      );
      return property
        ? ok(property)
        : errors(404, `The property with key '${request.params['property']}' does not exist.`);
    });
    on('GET', '/issue/:key/transitions', false, (request) =>
      this.#withIssue(request, (issue) =>
        ok({
          transitions: this.#transitions
            .filter((transition) => transition.to !== issue.status)
            .map((transition) => ({
              id: transition.id,
              name: transition.name,
              to: this.#statusJson(transition.to),
            })),
        }),
      ),
    );
    on('POST', '/issue/:key/transitions', true, (request) =>
      this.#withIssue(request, (issue) => {
        const id = fieldText(bodyObject(bodyObject(request.json)['transition'])['id'], '');
        const transition = this.#transitions.find(
          (candidate) => candidate.id === id && candidate.to !== issue.status,
        );
        if (!transition) {
          return {
            status: 400,
            body: {
              errorMessages: [`Transition id '${id}' is not valid for this issue.`],
              errors: {},
            },
          };
        }
        issue.status = transition.to;
        return { status: 204 };
      }),
    );
  }

  /** Only our JQL shape: `project = "X" AND statusCategory != Done ORDER BY created DESC`. */
  #search(jql: string): FakeJiraIssue[] {
    const project = /project\s*=\s*"?([A-Z][A-Z0-9_]*)"?/.exec(jql)?.[1] ?? '';
    const openOnly = /statusCategory\s*!=\s*Done/i.test(jql);
    return [...(this.#projects.get(project)?.issues.values() ?? [])]
      .filter((issue) => !openOnly || this.#category(issue.status) !== 'done')
      .sort((a, b) => b.number - a.number);
  }

  #withIssue(request: RecordedRequest, then: (issue: FakeJiraIssue) => FakeResponse): FakeResponse {
    const issue = this.issue(request.params['key'] ?? '');
    return issue
      ? then(issue)
      : errors(404, 'Issue does not exist or you do not have permission to see it.');
  }

  #issueJson(issue: FakeJiraIssue, version: '2' | '3'): unknown {
    return {
      id: String(10_000 + issue.number),
      key: issue.key,
      self: `${this.url}/rest/api/${version}/issue/${issue.key}`,
      fields: {
        summary: issue.summary,
        description: describe(issue.description, version),
        labels: issue.labels,
        issuetype: { name: issue.issueType },
        status: this.#statusJson(issue.status),
      },
    };
  }

  #statusJson(name: string): unknown {
    const category = this.#category(name);
    return {
      name,
      statusCategory: {
        key: category,
        name: category === 'done' ? 'Done' : category === 'new' ? 'To Do' : 'In Progress',
      },
    };
  }

  #category(status: string): FakeJiraStatus['category'] {
    return this.#statuses.find((candidate) => candidate.name === status)?.category ?? 'new';
  }

  #authorize(request: RecordedRequest, write: boolean): FakeResponse | undefined {
    const header = request.headers.authorization ?? '';
    const credential = presentedCredential(request);
    const scheme = this.#options.email ? /^basic /i : /^bearer /i;
    const expected = (token: string) =>
      this.#options.email ? `${this.#options.email}:${token}` : token;
    if (credential === undefined || !scheme.test(header)) {
      return errors(
        401,
        'You are not authenticated. Authentication required to perform this operation.',
      );
    }
    if (credential === expected(this.#options.token)) return undefined;
    if (
      this.#options.readOnlyToken !== undefined &&
      credential === expected(this.#options.readOnlyToken)
    ) {
      return write
        ? errors(403, 'You do not have permission to perform this operation.')
        : undefined;
    }
    return errors(
      401,
      'You are not authenticated. Authentication required to perform this operation.',
    );
  }

  #project(key: string) {
    const project = this.#projects.get(key);
    if (!project) throw new Error(`fake jira: unknown project ${key}; call addProject first`);
    return project;
  }
}

/** Seeded text is served as ADF on v3 (one paragraph per line) and as text on v2. */
function describe(description: unknown, version: '2' | '3'): unknown {
  if (description === null || description === undefined) return null;
  if (typeof description !== 'string') {
    return version === '3' ? description : JSON.stringify(description);
  }
  if (version === '2') return description;
  return {
    type: 'doc',
    version: 1,
    content: description.split('\n').map((line) => ({
      type: 'paragraph',
      content: line === '' ? [] : [{ type: 'text', text: line }],
    })),
  };
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

function errors(status: number, message: string): FakeResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

/** Jira's timestamp format: `2026-05-01T10:00:00.000+0000`. */
function jiraTime(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}
