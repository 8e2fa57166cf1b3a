import { describe, expect, it } from 'vitest';
import type { JobScope } from './job-scope.js';
import { jobRestRules } from './rest-proxy.js';

const scope = (overrides: Partial<JobScope>): JobScope =>
  ({
    jobId: 'job-1',
    project: 'app',
    repository: 'acme/code',
    repositoryProvider: 'github',
    trackerRepository: 'acme/tickets',
    trackerProvider: 'github',
    ticket: '58',
    branch: 'fix/58',
    ...overrides,
  }) as JobScope;

const allows = (rules: ReturnType<typeof jobRestRules>, method: string, path: string) =>
  rules.some((rule) => rule.method === method && rule.path.test(path));

describe('jobRestRules', () => {
  it('gives ticket rules only on the tracker repository and pull request rules only on the code repository', () => {
    const rules = jobRestRules('github', scope({}));
    expect(allows(rules, 'POST', '/repos/acme/tickets/issues/58/comments')).toBe(true);
    expect(allows(rules, 'POST', '/repos/acme/code/issues/58/comments')).toBe(false);
    expect(allows(rules, 'GET', '/repos/acme/code/issues/58')).toBe(false);
    expect(allows(rules, 'POST', '/repos/acme/code/pulls')).toBe(true);
    expect(allows(rules, 'POST', '/repos/acme/tickets/pulls')).toBe(false);
    expect(allows(rules, 'PATCH', '/repos/acme/tickets/pulls/3')).toBe(false);
  });

  it('gives every rule when the tickets live in the code repository', () => {
    const rules = jobRestRules('github', scope({ trackerRepository: 'acme/code' }));
    expect(allows(rules, 'POST', '/repos/acme/code/issues/58/comments')).toBe(true);
    expect(allows(rules, 'POST', '/repos/acme/code/pulls')).toBe(true);
  });
});
