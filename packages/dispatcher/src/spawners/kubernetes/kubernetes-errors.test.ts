import { describe, expect, it } from 'vitest';
import { isQuotaRejection, kubernetesApiProblem, kubernetesFailure } from './kubernetes-errors.js';

/** What the client throws for a failed call: the HTTP code and the `Status` body. */
function apiError(code: number, body: unknown): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });
}

const quota = apiError(403, {
  kind: 'Status',
  status: 'Failure',
  reason: 'Forbidden',
  code: 403,
  details: { name: 'agentsmith-0123', group: 'batch', kind: 'jobs' },
  message: 'jobs.batch "agentsmith-0123" is forbidden: exceeded quota: agents',
});

describe('spawners/kubernetes-errors', () => {
  it('recognises a quota rejection by status, reason and the named object, not by its text', () => {
    const rbacWithMisleadingText = apiError(403, {
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      details: { group: 'batch', kind: 'jobs' },
      message: 'jobs.batch is forbidden: exceeded quota (says a proxy)',
    });

    expect([
      isQuotaRejection(kubernetesFailure(quota)),
      isQuotaRejection(kubernetesFailure(rbacWithMisleadingText)),
    ]).toEqual([true, false]);
    expect(kubernetesApiProblem(quota, 'agentsmith')).toBe(
      'the namespace quota of agentsmith is exhausted: jobs.batch "agentsmith-0123" is forbidden: exceeded quota: agents',
    );
    expect(kubernetesApiProblem(rbacWithMisleadingText, 'agentsmith')).toMatch(
      /^the dispatcher's ServiceAccount may not do this in namespace agentsmith \(403\)/,
    );
  });

  it.each([
    [
      'a missing namespace',
      apiError(404, {
        reason: 'NotFound',
        details: { name: 'agentsmith', kind: 'namespaces' },
        message: 'namespaces "agentsmith" not found',
      }),
      'namespace agentsmith does not exist',
    ],
    [
      'a missing Job',
      apiError(404, { reason: 'NotFound', details: { name: 'agentsmith-1', kind: 'jobs' } }),
      'the Kubernetes API answered 404: HTTP-Code: 404',
    ],
    [
      'refused credentials',
      apiError(401, '{"reason":"Unauthorized"}'),
      "the Kubernetes API refused the dispatcher's credentials (401)",
    ],
    [
      'an unreachable API',
      new Error('connect ECONNREFUSED 127.0.0.1:6443'),
      'cannot reach the Kubernetes API: connect ECONNREFUSED 127.0.0.1:6443',
    ],
  ])('describes %s', (_case, error, problem) => {
    expect(kubernetesApiProblem(error, 'agentsmith')).toBe(problem);
  });
});
