import {
  authorize,
  takeFailure,
  type InjectedFailure,
  insertIssue,
  insertPull,
  issueJson,
  patchIssue,
  patchPull,
  postPull,
  key,
  listIssuesJson,
  listPullsJson,
  notFound,
  object,
  ok,
  pullJson,
  repoJson,
  unprocessable,
  type FakeGithubIssue,
  type FakeGithubLinks,
  type FakeGithubPull,
  type FakeRepository,
} from './fake-github-data.js';
import { FakeServer, type FakeResponse, type RecordedRequest } from './fake-server.js';

export type { FakeGithubIssue, FakeGithubPull } from './fake-github-data.js';

export interface FakeGithubApiOptions {
  /** The token the fake accepts (`Authorization: Bearer …` or `token …`); none = no auth at all. */
  token?: string;
  /** Host of the `html_url`s it returns (default `https://github.com`). */
  htmlBaseUrl?: string;
  /**
   * The token is a classic one with these scopes: every answer to a request carrying it has
   * GitHub's `x-oauth-scopes` header (a fine-grained token gets none, as here when unset).
   */
  scopes?: string[];
  /**
   * What the token may do on every repository, as GitHub reports it in the repository's
   * `permissions` to an authenticated caller (default: pull and push).
   */
  permissions?: { pull: boolean; push: boolean };
}

/**
 * A stateful fake of the GitHub REST API on a {@link FakeServer}: repositories, issues (pull
 * requests appear in the issues list, like the real API), comments, pulls (list by head/state,
 * create, update) and `/user`. Private repositories answer 401 without the expected token; a
 * wrong token gets 401 everywhere. Every request is kept in `requests`.
 */
export class FakeGithubApi {
  readonly server = new FakeServer('github');
  readonly #repos = new Map<string, FakeRepository>();
  readonly #token: string | undefined;
  readonly #scopes: string[] | undefined;
  readonly #permissions: { pull: boolean; push: boolean };
  readonly #html: string;
  readonly #failures: InjectedFailure[] = [];
  #clock = Date.parse('2026-01-01T00:00:00Z');

  constructor(options: FakeGithubApiOptions = {}) {
    this.#token = options.token;
    this.#scopes = options.scopes;
    this.#permissions = options.permissions ?? { pull: true, push: true };
    this.#html = options.htmlBaseUrl ?? 'https://github.com';
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

  /** Adds a repository, `fullName` = `owner/name`. */
  addRepository(
    fullName: string,
    options: { defaultBranch?: string; private?: boolean } = {},
  ): this {
    const [owner = '', name = ''] = fullName.split('/');
    this.#repos.set(key(owner, name), {
      owner,
      name,
      defaultBranch: options.defaultBranch ?? 'main',
      private: options.private ?? false,
      nextNumber: 1,
      issues: new Map(),
      pulls: new Map(),
    });
    return this;
  }

  /** Adds an issue and returns its number. */
  seedIssue(
    fullName: string,
    issue: {
      title: string;
      body?: string;
      labels?: string[];
      state?: 'open' | 'closed';
      number?: number;
    },
  ): number {
    return insertIssue(this.#repo(fullName), issue, this.#now());
  }

  /** Adds a pull request (it also shows up in the issues list) and returns its number. */
  seedPullRequest(
    fullName: string,
    pull: { head: string; base?: string; title?: string; body?: string; state?: 'open' | 'closed' },
  ): number {
    const repo = this.#repo(fullName);
    return insertPull(
      repo,
      {
        head: pull.head,
        headOwner: repo.owner,
        base: pull.base ?? repo.defaultBranch,
        title: pull.title ?? `Pull request for ${pull.head}`,
        body: pull.body ?? '',
        state: pull.state ?? 'open',
      },
      this.#now(),
    );
  }

  issue(fullName: string, number: number): FakeGithubIssue | undefined {
    return this.#repo(fullName).issues.get(number);
  }

  comments(fullName: string, number: number): string[] {
    return (this.issue(fullName, number)?.comments ?? []).map((comment) => comment.body);
  }

  /** Adds a person's comment to an issue (the newest). */
  seedComment(fullName: string, number: number, comment: { author: string; body: string }): void {
    const issue = this.issue(fullName, number);
    if (!issue) throw new Error(`no issue #${number} in ${fullName}`);
    issue.comments.push({ ...comment, createdAt: this.#now() });
  }

  pulls(fullName: string): FakeGithubPull[] {
    return [...this.#repo(fullName).pulls.values()];
  }

  /**
   * Makes the next `times` requests matching `method` and `path` (exact path or RegExp) answer
   * `response` instead (e.g. a 503 or a 422), before any state changes.
   */
  failNext(method: string, path: string | RegExp, response: FakeResponse, times = 1): this {
    const pattern =
      typeof path === 'string'
        ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
        : path;
    this.#failures.push({
      method: method.toUpperCase(),
      path: pattern,
      response,
      remaining: times,
    });
    return this;
  }

  /** Classic tokens: GitHub names their scopes in `x-oauth-scopes` on every answer. */
  #withScopes(request: RecordedRequest, response: FakeResponse): FakeResponse {
    if (
      this.#scopes === undefined ||
      request.headers.authorization?.replace(/^(bearer|token)\s+/i, '') !== this.#token
    )
      return response;
    return {
      ...response,
      headers: { ...response.headers, 'x-oauth-scopes': this.#scopes.join(', ') },
    };
  }

  #routes(): void {
    const server = this.server;
    const s = {
      on: (method: string, path: string, handler: (request: RecordedRequest) => FakeResponse) =>
        server.on(method, path, (request) =>
          this.#withScopes(request, takeFailure(this.#failures, request) ?? handler(request)),
        ),
    };
    s.on(
      'GET',
      '/user',
      (request) => this.#authorized(request, false) ?? ok({ login: 'agent-smith-bot' }),
    );
    s.on('GET', '/repos/:owner/:repo', (request) =>
      this.#withRepo(request, false, (repo) =>
        ok({
          ...(repoJson(repo, this.#links()) as object),
          // GitHub tells an authenticated caller what it may do here.
          ...(request.headers.authorization
            ? { permissions: { admin: false, ...this.#permissions } }
            : {}),
        }),
      ),
    );
    s.on('GET', '/repos/:owner/:repo/issues', (request) =>
      this.#withRepo(request, false, (repo) => ok(listIssuesJson(repo, request, this.#links()))),
    );
    s.on('POST', '/repos/:owner/:repo/issues', (request) =>
      this.#withRepo(request, true, (repo) => {
        const body = object(request.json);
        if (typeof body['title'] !== 'string' || body['title'] === '')
          return unprocessable('title is missing');
        const number = this.seedIssue(`${repo.owner}/${repo.name}`, {
          title: body['title'],
          body: typeof body['body'] === 'string' ? body['body'] : '',
          labels: Array.isArray(body['labels']) ? body['labels'].map(String) : [],
        });
        return { status: 201, body: issueJson(repo, number, this.#links()) };
      }),
    );
    s.on('GET', '/repos/:owner/:repo/issues/:number', (request) =>
      this.#withRepo(request, false, (repo) =>
        this.#issueOr404(repo, request, (n) => ok(issueJson(repo, n, this.#links()))),
      ),
    );
    s.on('PATCH', '/repos/:owner/:repo/issues/:number', (request) =>
      this.#withRepo(request, true, (repo) =>
        this.#issueOr404(repo, request, (n) => {
          patchIssue(repo, n, object(request.json));
          return ok(issueJson(repo, n, this.#links()));
        }),
      ),
    );
    s.on('GET', '/repos/:owner/:repo/issues/:number/comments', (request) =>
      this.#withRepo(request, false, (repo) =>
        this.#issueOr404(repo, request, (n) =>
          ok(
            pageOf(request, repo.issues.get(n)?.comments ?? []).map(({ item, index }) => ({
              id: n * 1000 + index,
              body: item.body,
              user: { login: item.author },
              created_at: item.createdAt,
            })),
          ),
        ),
      ),
    );
    s.on('POST', '/repos/:owner/:repo/issues/:number/comments', (request) =>
      this.#withRepo(request, true, (repo) =>
        this.#issueOr404(repo, request, (n) => {
          const body = object(request.json)['body'];
          if (typeof body !== 'string' || body === '') return unprocessable('body is missing');
          const issue = repo.issues.get(n);
          issue?.comments.push({ body, author: BOT_LOGIN, createdAt: this.#now() });
          const id = n * 1000 + (issue?.comments.length ?? 0);
          const htmlUrl = `${this.#html}/${repo.owner}/${repo.name}/issues/${n}#issuecomment-${id}`;
          return { status: 201, body: { id, body, html_url: htmlUrl } };
        }),
      ),
    );
    s.on('POST', '/repos/:owner/:repo/issues/:number/labels', (request) =>
      this.#withRepo(request, true, (repo) =>
        this.#issueOr404(repo, request, (n) => {
          const labels = object(request.json)['labels'];
          if (!Array.isArray(labels)) return unprocessable('labels is missing');
          const issue = repo.issues.get(n);
          for (const label of labels.map(String)) {
            if (issue && !issue.labels.includes(label)) issue.labels.push(label);
          }
          return ok((issue?.labels ?? []).map((name) => ({ name })));
        }),
      ),
    );
    s.on('GET', '/repos/:owner/:repo/pulls', (request) =>
      this.#withRepo(request, false, (repo) => ok(listPullsJson(repo, request, this.#links()))),
    );
    s.on('GET', '/repos/:owner/:repo/pulls/:number', (request) =>
      this.#withRepo(request, false, (repo) => {
        const pull = repo.pulls.get(Number(request.params['number']));
        return pull ? ok(pullJson(repo, pull, this.#links())) : notFound();
      }),
    );
    s.on('POST', '/repos/:owner/:repo/pulls', (request) =>
      this.#withRepo(request, true, (repo) =>
        postPull(repo, object(request.json), this.#now(), this.#links()),
      ),
    );
    s.on('PATCH', '/repos/:owner/:repo/pulls/:number', (request) =>
      this.#withRepo(request, true, (repo) => {
        const pull = repo.pulls.get(Number(request.params['number']));
        if (!pull) return notFound();
        patchPull(repo, pull, object(request.json));
        return ok(pullJson(repo, pull, this.#links()));
      }),
    );
  }

  #issueOr404(
    repo: FakeRepository,
    request: RecordedRequest,
    then: (number: number) => FakeResponse,
  ): FakeResponse {
    const number = Number(request.params['number']);
    return repo.issues.has(number) ? then(number) : notFound();
  }

  /** Answers 401/404 like GitHub, or runs `then` with the repository. */
  #withRepo(
    request: RecordedRequest,
    write: boolean,
    then: (repo: FakeRepository) => FakeResponse,
  ): FakeResponse {
    const repo = this.#repos.get(key(request.params['owner'] ?? '', request.params['repo'] ?? ''));
    const denied = this.#authorized(request, write || (repo?.private ?? false));
    if (denied) return denied;
    return repo ? then(repo) : notFound();
  }

  #authorized(request: RecordedRequest, required: boolean): FakeResponse | undefined {
    return authorize(request, this.#token, required);
  }

  #repo(fullName: string): FakeRepository {
    const [owner = '', name = ''] = fullName.split('/');
    const repo = this.#repos.get(key(owner, name));
    if (!repo)
      throw new Error(`fake github: unknown repository ${fullName}; call addRepository first`);
    return repo;
  }

  #links(): FakeGithubLinks {
    return { html: this.#html, api: this.url };
  }

  #now(): string {
    this.#clock += 60_000;
    return new Date(this.#clock).toISOString();
  }
}

/** The login the fake gives the token's own comments. */
const BOT_LOGIN = 'agentsmith-bot';

/** GitHub's `per_page` (default 30, at most 100) and 1-based `page` over a list. */
function pageOf<T>(request: RecordedRequest, items: readonly T[]): { item: T; index: number }[] {
  const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
  return items.map((item, index) => ({ item, index })).slice((page - 1) * perPage, page * perPage);
}
