import type { FakeResponse, RecordedRequest } from './fake-server.js';

/** An issue (or a pull request seen through the issues API) held by {@link FakeGithubApi}. */
export interface FakeGithubIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  comments: FakeGithubComment[];
  createdAt: string;
}

/** A comment on an issue held by {@link FakeGithubApi}. */
export interface FakeGithubComment {
  body: string;
  /** The login of its author. */
  author: string;
  createdAt: string;
}

/** A pull request held by {@link FakeGithubApi}. */
export interface FakeGithubPull {
  number: number;
  title: string;
  body: string;
  /** Branch name without the owner. */
  head: string;
  /** Owner of the head branch (the repository owner unless a fork). */
  headOwner: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** `draft: true` when created: a draft pull request (GitHub's REST field). */
  draft?: boolean;
}

export interface FakeRepository {
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  nextNumber: number;
  issues: Map<number, FakeGithubIssue>;
  pulls: Map<number, FakeGithubPull>;
}

/** Base URLs the JSON points at: `html` for web links, `api` for API links. */
export interface FakeGithubLinks {
  html: string;
  api: string;
}

/** The issues list (pull requests included, newest first, paginated) as the API returns it. */
export function listIssuesJson(
  repo: FakeRepository,
  request: RecordedRequest,
  links: FakeGithubLinks,
): unknown[] {
  const state = request.query.get('state') ?? 'open';
  const perPage = Number(request.query.get('per_page') ?? 30);
  const page = Number(request.query.get('page') ?? 1);
  return [...repo.issues.values()]
    .filter((issue) => state === 'all' || issue.state === state)
    .sort((a, b) => b.number - a.number)
    .slice((page - 1) * perPage, page * perPage)
    .map((issue) => issueJson(repo, issue.number, links));
}

/** The pulls list filtered by `state`, `head` (`owner:branch`) and `base`. */
export function listPullsJson(
  repo: FakeRepository,
  request: RecordedRequest,
  links: FakeGithubLinks,
): unknown[] {
  const state = request.query.get('state') ?? 'open';
  const head = request.query.get('head');
  const base = request.query.get('base');
  return [...repo.pulls.values()]
    .filter((pull) => state === 'all' || pull.state === state)
    .filter((pull) => !head || `${pull.headOwner}:${pull.head}` === head)
    .filter((pull) => !base || pull.base === base)
    .map((pull) => pullJson(repo, pull, links));
}

export function repoJson(repo: FakeRepository, links: FakeGithubLinks): unknown {
  return {
    id: 1,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    default_branch: repo.defaultBranch,
    html_url: `${links.html}/${repo.owner}/${repo.name}`,
    clone_url: `${links.html}/${repo.owner}/${repo.name}.git`,
  };
}

export function issueJson(repo: FakeRepository, number: number, links: FakeGithubLinks): unknown {
  const issue = repo.issues.get(number)!;
  const isPull = repo.pulls.has(number);
  const kind = isPull ? 'pull' : 'issues';
  return {
    id: number + 100_000,
    number,
    title: issue.title,
    body: issue.body === '' ? null : issue.body,
    state: issue.state,
    state_reason: issue.stateReason,
    labels: issue.labels.map((name) => ({ name })),
    html_url: `${links.html}/${repo.owner}/${repo.name}/${kind}/${number}`,
    user: { login: 'someone' },
    comments: issue.comments.length,
    created_at: issue.createdAt,
    ...(isPull
      ? { pull_request: { url: `${links.api}/repos/${repo.owner}/${repo.name}/pulls/${number}` } }
      : {}),
  };
}

export function pullJson(
  repo: FakeRepository,
  pull: FakeGithubPull,
  links: FakeGithubLinks,
): unknown {
  return {
    id: pull.number + 200_000,
    number: pull.number,
    title: pull.title,
    body: pull.body === '' ? null : pull.body,
    state: pull.state,
    merged: pull.merged,
    draft: pull.draft === true,
    html_url: `${links.html}/${repo.owner}/${repo.name}/pull/${pull.number}`,
    head: { ref: pull.head, label: `${pull.headOwner}:${pull.head}` },
    base: { ref: pull.base, label: `${repo.owner}:${pull.base}` },
  };
}

export function key(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

export function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

export function notFound(): FakeResponse {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
  };
}

export function unauthorized(message: string): FakeResponse {
  return { status: 401, body: { message, documentation_url: 'https://docs.github.com/rest' } };
}

export function unprocessable(message: string): FakeResponse {
  return { status: 422, body: { message: 'Validation Failed', errors: [{ message }] } };
}

/** Adds an issue; its number is given or the next free one. */
export function insertIssue(
  repo: FakeRepository,
  issue: {
    title: string;
    body?: string;
    labels?: string[];
    state?: 'open' | 'closed';
    number?: number;
  },
  createdAt: string,
): number {
  const number = issue.number ?? repo.nextNumber;
  repo.nextNumber = Math.max(repo.nextNumber, number + 1);
  repo.issues.set(number, {
    number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state ?? 'open',
    stateReason: null,
    labels: issue.labels ?? [],
    comments: [],
    createdAt,
  });
  return number;
}

/** Adds a pull request, which shares the issue numbers and appears in the issues list. */
export function insertPull(
  repo: FakeRepository,
  pull: Omit<FakeGithubPull, 'number' | 'merged'>,
  createdAt: string,
): number {
  const number = insertIssue(
    repo,
    { title: pull.title, body: pull.body, state: pull.state },
    createdAt,
  );
  repo.pulls.set(number, { ...pull, number, merged: false });
  return number;
}

/** `PATCH /issues/:number`: state, state_reason, title, body (a pull request's state too). */
export function patchIssue(
  repo: FakeRepository,
  number: number,
  body: Record<string, unknown>,
): void {
  const issue = repo.issues.get(number);
  const pull = repo.pulls.get(number);
  if (body['state'] === 'open' || body['state'] === 'closed') {
    if (issue) issue.state = body['state'];
    if (pull) pull.state = body['state'];
  }
  if (issue && typeof body['state_reason'] === 'string') issue.stateReason = body['state_reason'];
  if (issue && typeof body['title'] === 'string') issue.title = body['title'];
  if (issue && typeof body['body'] === 'string') issue.body = body['body'];
}

/** `PATCH /pulls/:number`: title, body, base, state (mirrored on its issue). */
export function patchPull(
  repo: FakeRepository,
  pull: FakeGithubPull,
  body: Record<string, unknown>,
): void {
  if (typeof body['title'] === 'string') pull.title = body['title'];
  if (typeof body['body'] === 'string') pull.body = body['body'];
  if (typeof body['base'] === 'string') pull.base = body['base'];
  if (body['state'] === 'open' || body['state'] === 'closed') pull.state = body['state'];
  const issue = repo.issues.get(pull.number);
  if (issue) Object.assign(issue, { title: pull.title, body: pull.body, state: pull.state });
}

/** `POST /pulls`: 422 like GitHub when an open pull request already has this head. */
export function postPull(
  repo: FakeRepository,
  body: Record<string, unknown>,
  createdAt: string,
  links: FakeGithubLinks,
): FakeResponse {
  const { title, base } = body;
  const rawHead = body['head'];
  if (typeof title !== 'string' || typeof base !== 'string' || typeof rawHead !== 'string') {
    return unprocessable('title, head and base are required');
  }
  const [headOwner, head] = rawHead.includes(':')
    ? (rawHead.split(':', 2) as [string, string])
    : [repo.owner, rawHead];
  const existing = [...repo.pulls.values()].find(
    (pull) => pull.state === 'open' && pull.head === head && pull.headOwner === headOwner,
  );
  if (existing) return unprocessable(`A pull request already exists for ${headOwner}:${head}.`);
  if (body['draft'] !== undefined && typeof body['draft'] !== 'boolean') {
    return unprocessable('draft must be a boolean');
  }
  const pullBody = typeof body['body'] === 'string' ? body['body'] : '';
  const number = insertPull(
    repo,
    { head, headOwner, base, title, body: pullBody, state: 'open', draft: body['draft'] === true },
    createdAt,
  );
  return { status: 201, body: pullJson(repo, repo.pulls.get(number)!, links) };
}

/** GitHub's answers for a missing (when `required`) or wrong token; undefined when allowed. */
export function authorize(
  request: RecordedRequest,
  token: string | undefined,
  required: boolean,
): FakeResponse | undefined {
  if (token === undefined) return undefined;
  const header = request.headers.authorization;
  const given = header?.replace(/^(bearer|token)\s+/i, '');
  if (header !== undefined && given !== token) return unauthorized('Bad credentials');
  if (required && header === undefined) return unauthorized('Requires authentication');
  return undefined;
}

/** A response `FakeGithubApi.failNext` queued for matching requests. */
export interface InjectedFailure {
  method: string;
  path: RegExp;
  response: FakeResponse;
  remaining: number;
}

/** The first queued failure matching the request, consumed once. */
export function takeFailure(
  failures: InjectedFailure[],
  request: RecordedRequest,
): FakeResponse | undefined {
  const failure = failures.find(
    (candidate) =>
      candidate.remaining > 0 &&
      candidate.method === request.method &&
      candidate.path.test(request.path),
  );
  if (!failure) return undefined;
  failure.remaining -= 1;
  return failure.response;
}
