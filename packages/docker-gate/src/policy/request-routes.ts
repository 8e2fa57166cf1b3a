import { imageAllowed, isRefusal, refuse, type GatePolicy, type Refusal } from './gate-policy.js';
import { withManagedByFilter } from './label-filter.js';

/** What one container-scoped call does, once the container is known to carry the label. */
export type ContainerAction = 'inspect' | 'start' | 'stop' | 'wait' | 'logs' | 'remove' | 'archive';

/** How the gate serves an allowed request. */
export type GateRoute =
  /** Forward as it is (no request body): ping, inspecting an allowed image. */
  | { kind: 'forward'; method: string; path: string }
  /** Validate the JSON body, then create. */
  | { kind: 'create'; name: string | undefined; prefix: string }
  /** Check the container's label, then forward to it by its full id. */
  | { kind: 'container'; action: ContainerAction; id: string; query: string; prefix: string }
  /** Forward with the label filter forced (list, events). */
  | { kind: 'filtered'; path: string };

/** Query parameters each call may carry; dockerode repeats its options in the query, the rest is dropped. */
const CONTAINER_CALLS: Record<
  string,
  { method: string; suffix: string; action: ContainerAction; params: readonly string[] }
> = {
  inspect: { method: 'GET', suffix: '/json', action: 'inspect', params: [] },
  start: { method: 'POST', suffix: '/start', action: 'start', params: [] },
  stop: { method: 'POST', suffix: '/stop', action: 'stop', params: ['t', 'signal'] },
  wait: { method: 'POST', suffix: '/wait', action: 'wait', params: ['condition'] },
  logs: {
    method: 'GET',
    suffix: '/logs',
    action: 'logs',
    params: ['follow', 'stdout', 'stderr', 'since', 'until', 'timestamps', 'tail'],
  },
  remove: { method: 'DELETE', suffix: '', action: 'remove', params: ['force', 'v'] },
  archive: { method: 'PUT', suffix: '/archive', action: 'archive', params: ['path'] },
};

function pick(query: URLSearchParams, names: readonly string[]): string {
  const kept = new URLSearchParams();
  for (const name of names) {
    const value = query.get(name);
    if (value !== null) kept.set(name, value);
  }
  const text = kept.toString();
  return text ? `?${text}` : '';
}

/** `/v1.47/containers/json` → `/v1.47` and `/containers/json`; API versions before 1.40 are refused. */
function splitVersion(path: string): { prefix: string; rest: string } | Refusal {
  const match = /^\/v(\d+)\.(\d+)(\/.*)$/.exec(path);
  if (!match) return { prefix: '', rest: path };
  if (Number(match[1]) !== 1 || Number(match[2]) < 40)
    return refuse(
      `Engine API version v${match[1]}.${match[2]} is older than the gate accepts (v1.40)`,
    );
  return { prefix: `/v${match[1]}.${match[2]}`, rest: match[3]! };
}

function decodeSegment(text: string): string | undefined {
  try {
    const decoded = decodeURIComponent(text);
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides what one Engine API request may do. Anything not listed here — exec, attach, build,
 * pull, volumes, networks, the host's info, any other container's lifecycle — is refused with
 * the reason. Pure: the label check on a named container happens in the server.
 */
export function routeRequest(method: string, url: string, policy: GatePolicy): GateRoute | Refusal {
  const parsed = new URL(url, 'http://docker-gate');
  const version = splitVersion(parsed.pathname);
  if (isRefusal(version)) return version;
  const { prefix, rest } = version;
  const query = parsed.searchParams;
  const call = `${method} ${rest}`;

  if ((method === 'GET' || method === 'HEAD') && rest === '/_ping')
    return { kind: 'forward', method, path: `${prefix}/_ping` };
  if (method === 'GET' && rest.startsWith('/images/') && rest.endsWith('/json')) {
    const image = decodeURIComponent(rest.slice('/images/'.length, -'/json'.length));
    if (!imageAllowed(image, policy.images))
      return refuse(`image ${image} is not an agent image this gate allows`);
    return { kind: 'forward', method, path: `${prefix}/images/${encodeURI(image)}/json` };
  }
  if (method === 'POST' && rest === '/containers/create') {
    const extra = [...query.keys()].filter((key) => key !== 'name' && !/^[A-Z]/.test(key));
    // dockerode copies the create options into the query too (capitalised keys); the engine reads
    // only `name` and `platform` there, and `platform` is not something the spawner sets.
    if (extra.length > 0) return refuse(`create takes no query parameter ${extra.join(', ')}`);
    return { kind: 'create', name: query.get('name') ?? undefined, prefix };
  }
  if (method === 'GET' && rest === '/containers/json') {
    const filters = withManagedByFilter(query.get('filters'));
    if (isRefusal(filters)) return filters;
    const all = query.get('all');
    const kept = new URLSearchParams({ ...(all === null ? {} : { all }), filters });
    return { kind: 'filtered', path: `${prefix}/containers/json?${kept.toString()}` };
  }
  if (method === 'GET' && rest === '/events') {
    const filters = withManagedByFilter(query.get('filters'), { type: 'container' });
    if (isRefusal(filters)) return filters;
    const kept = new URLSearchParams({ filters });
    for (const name of ['since', 'until']) {
      const value = query.get(name);
      if (value !== null) kept.set(name, value);
    }
    return { kind: 'filtered', path: `${prefix}/events?${kept.toString()}` };
  }
  const container = /^\/containers\/([^/]+)(\/[a-z]+)?$/.exec(rest);
  if (container) {
    const id = decodeSegment(container[1]!);
    const suffix = container[2] ?? '';
    const allowed = Object.values(CONTAINER_CALLS).find(
      (candidate) => candidate.method === method && candidate.suffix === suffix,
    );
    if (id && allowed) {
      if (allowed.action === 'archive') {
        const target = query.get('path') ?? '';
        if (!policy.archiveDirectories.includes(target.replace(/\/+$/, '')))
          return refuse(
            `archives may be uploaded only into ${policy.archiveDirectories.join(', ')}, not ${JSON.stringify(target)}`,
          );
      }
      return {
        kind: 'container',
        action: allowed.action,
        id,
        query: pick(query, allowed.params),
        prefix,
      };
    }
  }
  return refuse(`${call} is not an Engine API call the dispatcher's Docker spawner makes`);
}
