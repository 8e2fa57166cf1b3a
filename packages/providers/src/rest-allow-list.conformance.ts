import { expect, it } from 'vitest';
import type { RestAllowList, RestRule, RestScope } from './rest-policy.js';

/** One request as a fake server recorded it (method and path without the query). */
export interface SeenRequest {
  method: string;
  path: string;
}

/** Whether any rule of `rules` allows the request. */
export function isAllowed(rules: readonly RestRule[], request: SeenRequest): boolean {
  return rules.some((rule) => rule.method === request.method && rule.path.test(request.path));
}

/**
 * The two promises of an allow-list: everything the adapters do in a job (run against the
 * provider's fake, which records the requests) is allowed, and each neighbouring request (other
 * repository, other ticket, merge, delete, create) is refused.
 */
export function describeRestAllowList(
  list: RestAllowList,
  scope: RestScope,
  job: () => Promise<SeenRequest[]>,
  neighbours: readonly SeenRequest[],
): void {
  it('allows every request the adapters make for a job', async () => {
    const requests = await job();
    const rules = list(scope);

    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((request) => !isAllowed(rules, request))).toEqual([]);
  });

  it.each(neighbours.map((request) => [`${request.method} ${request.path}`, request] as const))(
    'refuses %s',
    (_, request) => {
      expect(isAllowed(list(scope), request)).toBe(false);
    },
  );
}
