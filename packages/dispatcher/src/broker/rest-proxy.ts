import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  azureDevOpsRestAllowList,
  githubRestAllowList,
  gitlabRestAllowList,
  jiraRestAllowList,
  type RestAllowList,
  type RestRule,
} from '@agentsmith/providers';
import type { BrokerContext } from './broker-context.js';
import { BrokerRefusal, readBody, relayResponse, upstreamHeaders } from './http-relay.js';
import type { JobScope } from './job-scope.js';
import { checkRestBody } from './rest-body-checks.js';
import { restUpstream } from './upstreams.js';

/** The allow-list of each REST provider the broker fronts. */
export const REST_ALLOW_LISTS: Record<string, RestAllowList> = {
  github: githubRestAllowList,
  gitlab: gitlabRestAllowList,
  jira: jiraRestAllowList,
  azuredevops: azureDevOpsRestAllowList,
};

/** Rules about tickets (issues, work items) and about pull / merge requests, told by their path. */
const TICKET_PATH = /\/issues?\/|\/wit\//i;
const REVIEW_PATH = /\/pulls|merge_requests|pullrequests/i;
const plainPath = (rule: RestRule): string => rule.path.source.replace(/\\/g, '');

/**
 * The rules of one job on one provider: pull / merge request rules only for its git host's
 * repository, ticket rules only for its tracker's repository (project, project key); reads of the
 * repository itself for both. Built per side so a tracker repository B that differs from the code
 * repository A gives no issue rules on A and no pull request rules on B.
 */
export function jobRestRules(provider: string, scope: JobScope): readonly RestRule[] {
  const list = REST_ALLOW_LISTS[provider];
  if (!list) return [];
  // Scopes minted before other providers were brokered name GitHub repositories only.
  const sides = [
    {
      repository: scope.repository,
      provider: scope.repositoryProvider ?? 'github',
      keep: (rule: RestRule) => !TICKET_PATH.test(plainPath(rule)),
    },
    {
      repository: scope.trackerRepository,
      provider: scope.trackerProvider ?? 'github',
      keep: (rule: RestRule) => !REVIEW_PATH.test(plainPath(rule)),
    },
  ].filter((side) => side.repository !== '' && side.provider === provider);
  const rules = new Map<string, RestRule>();
  for (const side of sides) {
    for (const rule of list({
      repository: side.repository,
      ticket: scope.ticket,
      branch: scope.branch,
    })) {
      if (side.keep(rule)) rules.set(`${rule.method} ${rule.path.source}`, rule);
    }
  }
  return [...rules.values()];
}

/** The query parameters a write may carry, per provider (GitLab merges query into body fields). */
const WRITE_QUERY_ALLOWED: Record<string, ReadonlySet<string>> = {
  azuredevops: new Set(['api-version', 'format']),
};

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
  if (method !== 'GET') {
    const allowed = WRITE_QUERY_ALLOWED[route.provider] ?? new Set<string>();
    const extra = [...new Set(route.search.keys())].filter((name) => !allowed.has(name));
    if (extra.length > 0)
      throw refusal(
        method,
        path,
        rules,
        `a write may not carry the query parameter ${extra.join(', ')}`,
      );
  }
  const query = route.search.size > 0 ? `?${route.search.toString()}` : '';
  const why = await checkRestBody(
    context,
    scope,
    { provider: route.provider, method, path, search: route.search },
    body ?? Buffer.alloc(0),
    (target) =>
      doFetch(`${upstream.baseUrl}${target}`, {
        headers: upstreamHeaders({}, upstream.headers),
      }),
  );
  if (why) throw refusal(method, path, rules, why);
  let answer: Response;
  try {
    answer = await doFetch(`${upstream.baseUrl}${path}${query}`, {
      method,
      headers,
      ...(body ? { body } : {}),
      redirect: 'manual',
    });
  } catch (error) {
    // The cause can quote the upstream URL, credentials included: logged, never relayed.
    context.logger.warn({ jobId: scope.jobId, err: error }, 'REST upstream unreachable');
    throw new BrokerRefusal(
      502,
      `the ${route.provider} API is unreachable (the broker log has the cause)`,
    );
  }
  await relayResponse(answer, response);
}
