import type { BrokerContext } from './broker-context.js';
import type { JobScope } from './job-scope.js';

/** One REST call as the broker judges it: provider, method, path without query, query. */
interface RestCall {
  provider: string;
  method: string;
  path: string;
  search: URLSearchParams;
}

/** What a new pull request may carry. */
const PULL_REQUEST_FIELDS = new Set([
  'title',
  'head',
  'base',
  'body',
  'draft',
  'maintainer_can_modify',
]);

function jsonBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // refused below
  }
  return {};
}

/**
 * The body checks paths cannot express: a pull request the job opens must come from its own
 * branch, and one it edits must be its own (only title and description may change).
 */
async function checkGithubBody(
  context: BrokerContext,
  scope: JobScope,
  method: string,
  path: string,
  body: Buffer,
  forward: (path: string) => Promise<Response>,
): Promise<string | undefined> {
  if (method === 'POST' && /\/pulls$/.test(path)) {
    const fields = jsonBody(body);
    const unexpected = Object.keys(fields).filter((key) => !PULL_REQUEST_FIELDS.has(key));
    // `issue` would turn another ticket into this pull request.
    if (unexpected.length > 0) return `a new pull request may not set ${unexpected.join(', ')}`;
    const head = fields['head'];
    const owner = scope.repository.split('/')[0];
    if (head !== scope.branch && head !== `${owner}:${scope.branch}`)
      return `a pull request must have the job's branch ${scope.branch} as its head (got ${JSON.stringify(head)})`;
  }
  if (method === 'PATCH' && /\/pulls\/\d+$/.test(path)) {
    const keys = Object.keys(jsonBody(body));
    const extra = keys.filter((key) => key !== 'title' && key !== 'body');
    if (keys.length === 0 || extra.length > 0)
      return `only the title and body of the job's pull request may change (not ${extra.join(', ') || 'an empty edit'})`;
    const current = await forward(path);
    const pull = current.ok ? ((await current.json()) as { head?: { ref?: string } }) : {};
    if (pull.head?.ref !== scope.branch)
      return `pull request ${path.split('/').pop()} is not the job's (head ${pull.head?.ref ?? 'unknown'})`;
    context.logger.debug({ jobId: scope.jobId, path }, 'pull request edit allowed');
  }
  return undefined;
}

/** What a merge request / pull request update may change, per provider: the text only. */
const EDITABLE_FIELDS = new Set(['title', 'body', 'description']);

function onlyTextEdit(body: Buffer): string | undefined {
  const keys = Object.keys(jsonBody(body));
  const extra = keys.filter((key) => !EDITABLE_FIELDS.has(key));
  if (keys.length === 0 || extra.length > 0)
    return `only the title and description of the job's pull request may change (not ${extra.join(', ') || 'an empty edit'})`;
  return undefined;
}

/** A read on the upstream with the real credential (path and query). */
type Forward = (pathAndQuery: string) => Promise<Response>;

/** The entries of a list answer (none when the read fails). */
async function listed<T, E>(
  forward: Forward,
  target: string,
  pick: (answer: T) => E[],
): Promise<E[]> {
  const answer = await forward(target);
  return answer.ok ? pick((await answer.json()) as T) : [];
}

/** What an update of the GitLab ticket may carry: closing and labelling. */
const ISSUE_UPDATE_FIELDS = new Set(['state_event', 'labels', 'add_labels']);

/** A new GitLab merge request must come from the job's branch; an edited one must be its own. */
async function checkGitlabBody(
  scope: JobScope,
  call: RestCall,
  body: Buffer,
  forward: Forward,
): Promise<string | undefined> {
  const { method, path } = call;
  if (method === 'POST' && /\/merge_requests$/.test(path)) {
    const source = jsonBody(body)['source_branch'];
    if (source !== scope.branch)
      return `a merge request must have the job's branch ${scope.branch} as its source (got ${JSON.stringify(source)})`;
  }
  if (method === 'PUT' && /\/issues\/[^/]+$/.test(path)) {
    const keys = Object.keys(jsonBody(body));
    const extra = keys.filter((key) => !ISSUE_UPDATE_FIELDS.has(key));
    if (keys.length === 0 || extra.length > 0)
      return `an update of the ticket may only close or label it (not ${extra.join(', ') || 'an empty edit'})`;
  }
  const edit = method === 'PUT' ? /^(.*\/merge_requests)\/(\d+)$/.exec(path) : null;
  if (edit) {
    const wrong = onlyTextEdit(body);
    if (wrong) return wrong;
    // The open merge requests of the job's branch (the list is what the allow-list also reads).
    const query = new URLSearchParams({ state: 'opened', source_branch: scope.branch });
    const own = await listed<unknown, { iid?: number; source_branch?: string }>(
      forward,
      `${edit[1]}?${query.toString()}`,
      (list) => (Array.isArray(list) ? (list as { iid?: number; source_branch?: string }[]) : []),
    );
    const iid = Number(edit[2]);
    if (!own.some((request) => request.iid === iid && request.source_branch === scope.branch))
      return `merge request ${iid} is not an open merge request of the job's branch ${scope.branch}`;
  }
  return undefined;
}

/** A work item patch may only set the state: JSON Patch `add` / `replace` of System.State. */
function onlyStateChange(body: Buffer): string | undefined {
  let operations: unknown;
  try {
    operations = JSON.parse(body.toString('utf8'));
  } catch {
    operations = undefined;
  }
  const valid =
    Array.isArray(operations) &&
    operations.length > 0 &&
    operations.every((operation: unknown) => {
      const { op, path } = (operation ?? {}) as { op?: unknown; path?: unknown };
      return (op === 'add' || op === 'replace') && path === '/fields/System.State';
    });
  return valid
    ? undefined
    : 'a work item patch may only set /fields/System.State (add or replace operations)';
}

/** A new Azure Repos pull request must come from the job's branch; an edited one must be its own. */
async function checkAzureBody(
  scope: JobScope,
  call: RestCall,
  body: Buffer,
  forward: Forward,
): Promise<string | undefined> {
  const { method, path } = call;
  const own = `refs/heads/${scope.branch}`;
  if (method === 'PATCH' && /\/wit\/workitems\/[^/]+$/i.test(path)) {
    const wrong = onlyStateChange(body);
    if (wrong) return wrong;
  }
  if (method === 'POST' && /\/pullrequests$/i.test(path)) {
    const source = jsonBody(body)['sourceRefName'];
    if (source !== own)
      return `a pull request must have the job's branch ${own} as its source (got ${JSON.stringify(source)})`;
  }
  const edit = method === 'PATCH' ? /^(.*\/pullrequests)\/(\d+)$/i.exec(path) : null;
  if (edit) {
    const wrong = onlyTextEdit(body);
    if (wrong) return wrong;
    const query = new URLSearchParams({
      'searchCriteria.sourceRefName': own,
      'searchCriteria.status': 'active',
      'api-version': call.search.get('api-version') ?? '7.1',
    });
    type AzurePull = { pullRequestId?: number; sourceRefName?: string };
    const active = await listed<{ value?: AzurePull[] }, AzurePull>(
      forward,
      `${edit[1]}?${query.toString()}`,
      (list) => (Array.isArray(list.value) ? list.value : []),
    );
    const id = Number(edit[2]);
    if (!active.some((pull) => pull.pullRequestId === id && pull.sourceRefName === own))
      return `pull request ${id} is not an active pull request of the job's branch ${own}`;
  }
  return undefined;
}

/**
 * The body checks paths cannot express, per provider: a pull / merge request the job opens must
 * come from its own branch, and one it edits must be its own (only title and description change).
 * A GitLab ticket update may only close or label it; an Azure work item patch may only set its
 * state. Jira's allow-list needs none (its writes are comments and transitions of the job's ticket).
 */
export function checkRestBody(
  context: BrokerContext,
  scope: JobScope,
  call: RestCall,
  body: Buffer,
  forward: Forward,
): Promise<string | undefined> {
  const { provider, method, path } = call;
  if (provider === 'github') return checkGithubBody(context, scope, method, path, body, forward);
  if (provider === 'gitlab') return checkGitlabBody(scope, call, body, forward);
  if (provider === 'azuredevops') return checkAzureBody(scope, call, body, forward);
  return Promise.resolve(undefined);
}
