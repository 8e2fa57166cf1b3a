import type { IncomingMessage, ServerResponse } from 'node:http';
import { githubRestAllowList, type RestAllowList, type RestRule } from '@agentsmith/providers';
import type { BrokerContext } from './broker-context.js';
import { BrokerRefusal, readBody, relayResponse, upstreamHeaders } from './http-relay.js';
import type { JobScope } from './job-scope.js';
import { restUpstream } from './upstreams.js';

/** The allow-list of each REST provider the broker fronts. */
export const REST_ALLOW_LISTS: Record<string, RestAllowList> = {
  github: githubRestAllowList,
};

/** The rules of one job: its tracker's repository and ticket, its git host's repository and branch. */
export function jobRestRules(provider: string, scope: JobScope): readonly RestRule[] {
  const list = REST_ALLOW_LISTS[provider];
  if (!list) return [];
  const repositories = new Set([scope.repository, scope.trackerRepository].filter(Boolean));
  return [...repositories].flatMap((repository) =>
    list({ repository, ticket: scope.ticket, branch: scope.branch }),
  );
}

function refusal(
  method: string,
  path: string,
  rules: readonly RestRule[],
  why?: string,
): BrokerRefusal {
  const allowed = rules.map((rule) => `${rule.method} ${rule.path.source} (${rule.purpose})`);
  const message = why
    ? `Refused by the Agent Smith broker: ${method} ${path}: ${why}.`
    : `Refused by the Agent Smith broker: ${method} ${path} is not something this job may do.`;
  return new BrokerRefusal(
    403,
    message,
    { 'content-type': 'application/json' },
    JSON.stringify({ message, refused: `${method} ${path}`, allowed }),
  );
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

/**
 * `/rest/<provider>/<path>`: the project's git host / tracker API, limited to the provider's
 * allow-list for this job; the job token is swapped for the real one. Everything else is a 403
 * whose body names what was refused.
 */
export async function proxyRest(
  context: BrokerContext,
  scope: JobScope,
  request: IncomingMessage,
  response: ServerResponse,
  route: { provider: string; path: string; search: URLSearchParams },
): Promise<void> {
  const method = request.method ?? 'GET';
  const rules = jobRestRules(route.provider, scope);
  const path = route.path.replace(/\/+$/, '') || '/';
  if (!rules.some((rule) => rule.method === method && rule.path.test(path))) {
    throw refusal(method, path, rules);
  }
  const project = await context.loadProject(scope.project);
  if (!project) throw new BrokerRefusal(503, `project ${scope.project} is no longer configured`);
  const upstream = restUpstream(route.provider, project, context.credentials);
  if ('missing' in upstream) throw new BrokerRefusal(503, `the broker has no ${upstream.missing}`);
  const headers = upstreamHeaders(request.headers, upstream.headers);
  const doFetch = context.fetch ?? fetch;
  const body = method === 'GET' ? undefined : await readBody(request, 4 * 1024 * 1024);
  const why = await checkGithubBody(
    context,
    scope,
    method,
    path,
    body ?? Buffer.alloc(0),
    (target) =>
      doFetch(`${upstream.baseUrl}${target}`, { headers: upstreamHeaders({}, upstream.headers) }),
  );
  if (why) throw refusal(method, path, rules, why);
  const query = route.search.size > 0 ? `?${route.search.toString()}` : '';
  let answer: Response;
  try {
    answer = await doFetch(`${upstream.baseUrl}${path}${query}`, {
      method,
      headers,
      ...(body ? { body } : {}),
      redirect: 'manual',
    });
  } catch (error) {
    throw new BrokerRefusal(
      502,
      `the ${route.provider} API is unreachable: ${(error as Error).message}`,
    );
  }
  await relayResponse(answer, response);
}
