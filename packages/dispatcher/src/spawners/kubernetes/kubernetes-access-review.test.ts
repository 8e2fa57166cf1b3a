import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SPAWNER_ACCESS } from './kubernetes-access-review.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

describe('kubernetes-access-review', () => {
  it('asks only for what the Role of deploy/k8s/base/rbac.yaml grants', () => {
    const text = readFileSync(
      new URL('../../../../../deploy/k8s/base/rbac.yaml', import.meta.url),
      'utf8',
    );
    const role = parseAllDocuments(text)
      .map((document) => document.toJS() as { kind?: string; rules?: Rule[] })
      .find((document) => document.kind === 'Role');
    const granted = (role?.rules ?? []).flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.flatMap((resource) =>
          rule.verbs.map((verb) => `${group}/${resource}:${verb}`),
        ),
      ),
    );
    expect(granted.length).toBeGreaterThan(0);
    const asked = SPAWNER_ACCESS.map(({ group, resource, verb }) => `${group}/${resource}:${verb}`);
    expect(asked.filter((permission) => !granted.includes(permission))).toEqual([]);
  });
});
