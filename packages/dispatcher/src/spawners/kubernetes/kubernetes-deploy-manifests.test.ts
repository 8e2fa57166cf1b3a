import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@agentsmith/providers';
import { validateKubernetesManifest } from '../../../test/support/kubernetes-schema.js';
import {
  readYamlDocuments,
  renderKustomization,
  type Manifest,
} from '../../../test/support/render-kustomization.js';
import { AGENT_CREDENTIAL_KEYS } from '@agentsmith/contracts';

const repositoryRoot = join(import.meta.dirname, '../../../../..');
const k8sRoot = join(repositoryRoot, 'deploy/k8s');

async function yamlFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** The value at `path` inside plain data (objects and arrays), or undefined. */
function dig(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path)
    current = (current as Record<string | number, unknown> | undefined)?.[key];
  return current;
}

describe('deploy/k8s', () => {
  it.each([
    ['base', 'agentsmith'],
    ['overlays/dev', 'agentsmith-dev'],
    ['overlays/prod', 'agentsmith'],
  ])(
    '%s renders to objects that all validate against the Kubernetes schema',
    async (folder, namespace) => {
      const objects = await renderKustomization(join(k8sRoot, folder));

      for (const object of objects)
        expect(
          () => validateKubernetesManifest(object),
          `${object.kind}/${object.metadata.name}`,
        ).not.toThrow();
      const kinds = objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
      expect(kinds).toEqual(
        expect.arrayContaining([
          `Namespace/${namespace}`,
          'ServiceAccount/agentsmith-dispatcher',
          'Role/agentsmith-dispatcher',
          'RoleBinding/agentsmith-dispatcher',
          'StatefulSet/redis',
          'Service/redis',
          'Deployment/agentsmith-dispatcher',
          'Service/agentsmith-dispatcher',
          'ConfigMap/agentsmith-config',
          'NetworkPolicy/agentsmith-agents',
          'ConfigMap/agentsmith-admission',
        ]),
      );
      expect(
        objects
          .filter((object) => object.kind !== 'Namespace')
          .every((object) => object.metadata.namespace === namespace),
      ).toEqual(true);
      expect(find(objects, 'RoleBinding', 'agentsmith-dispatcher')['subjects']).toEqual([
        { kind: 'ServiceAccount', name: 'agentsmith-dispatcher', namespace },
      ]);
    },
  );

  it('runs the dispatcher with SPAWNER_TYPE=kubernetes, probes and the Role the spawner needs', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'overlays/prod'));

    const deployment = find(objects, 'Deployment', 'agentsmith-dispatcher');
    const container = dig(deployment, 'spec', 'template', 'spec', 'containers', 0);
    const env = Object.fromEntries(
      (dig(container, 'env') as Array<{ name: string; value?: string }>).map((entry) => [
        entry.name,
        entry.value ?? 'from-field',
      ]),
    );
    expect([
      env['SPAWNER_TYPE'],
      env['REDIS_URL'],
      env['K8S_NAMESPACE'],
      env['AGENTSMITH_IMAGE'],
    ]).toEqual([
      'kubernetes',
      'redis:6379',
      'from-field',
      'registry.example.com/agentsmith/agent:0.1.0',
    ]);
    expect([
      dig(container, 'readinessProbe', 'httpGet', 'path'),
      dig(container, 'livenessProbe', 'httpGet', 'path'),
      dig(container, 'image'),
    ]).toEqual(['/ready', '/health', 'registry.example.com/agentsmith/dispatcher:0.1.0']);
    // Readiness (with its reasons) and metrics live on the ops port, which no Service publishes.
    expect([
      env['OPS_PORT'],
      dig(container, 'readinessProbe', 'httpGet', 'port'),
      dig(container, 'livenessProbe', 'httpGet', 'port'),
      (dig(container, 'ports') as Array<{ name: string; containerPort: number }>).find(
        (port) => port.name === 'ops',
      )?.containerPort,
      dig(find(objects, 'Service', 'agentsmith-dispatcher'), 'spec', 'ports'),
    ]).toEqual(['9090', 'ops', 'http', 9090, [{ name: 'http', port: 80, targetPort: 'http' }]]);
    const rules = find(objects, 'Role', 'agentsmith-dispatcher')['rules'] as Array<{
      resources: string[];
      verbs: string[];
    }>;
    const allowed = (resource: string, verb: string) =>
      rules.some((rule) => rule.resources.includes(resource) && rule.verbs.includes(verb));
    expect(
      [
        ['jobs', 'create'],
        ['jobs', 'delete'],
        ['jobs', 'list'],
        ['pods', 'list'],
        ['pods', 'deletecollection'],
        ['pods/log', 'get'],
        ['configmaps', 'create'],
        ['secrets', 'create'],
        ['events', 'list'],
      ].map(([resource, verb]) => allowed(resource as string, verb as string)),
    ).toEqual(Array(9).fill(true));
  });

  it('isolates agent pods by the label every spawned Job carries', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'base'));

    const policy = find(objects, 'NetworkPolicy', 'agentsmith-agents');

    expect([
      dig(policy, 'spec', 'podSelector'),
      dig(policy, 'spec', 'ingress'),
      dig(policy, 'spec', 'policyTypes'),
    ]).toEqual([{ matchLabels: { app: 'agentsmith' } }, [], ['Ingress', 'Egress']]);
  });

  it('makes Redis require the password from the Secret and gives agents a cluster-internal broker', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'base'));

    const redis = find(objects, 'StatefulSet', 'redis');
    const container = (dig(redis, 'spec', 'template', 'spec', 'containers') as unknown[])[0];
    const broker = find(objects, 'Service', 'agentsmith-broker');
    const policy = JSON.stringify(find(objects, 'NetworkPolicy', 'agentsmith-agents'));

    expect(JSON.stringify(dig(container, 'args'))).toContain('--requirepass \\"$REDIS_PASSWORD\\"');
    expect(dig(container, 'env')).toEqual([
      {
        name: 'REDIS_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'agentsmith-secrets', key: 'REDIS_PASSWORD' } },
      },
    ]);
    expect([dig(broker, 'spec', 'type'), dig(broker, 'spec', 'ports')]).toEqual([
      undefined,
      [{ name: 'broker', port: 8081, targetPort: 'broker' }],
    ]);
    expect(policy).toContain('"port":8081');
  });

  it('lets agent pods reach only the cluster DNS (never the metadata address or port 53 elsewhere), Redis and the broker port', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'base'));

    const egress = dig(find(objects, 'NetworkPolicy', 'agentsmith-agents'), 'spec', 'egress');
    const blocks = JSON.stringify(egress).match(/"cidr":"[^"]+"/g);

    // The only address block is NodeLocal DNSCache's: nothing admits 169.254.169.254 or the internet.
    expect(blocks).toEqual(['"cidr":"169.254.20.10/32"']);
    expect(egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
          { ipBlock: { cidr: '169.254.20.10/32' } },
        ],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
      {
        to: [
          { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agentsmith-dispatcher' } } },
        ],
        ports: [{ protocol: 'TCP', port: 8081 }],
      },
    ]);
  });

  it('admission renders to a cluster-wide policy and binding that validate against the schema', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'admission'));

    for (const object of objects)
      expect(
        () => validateKubernetesManifest(object),
        `${object.kind}/${object.metadata.name}`,
      ).not.toThrow();
    expect(
      objects.map((object) => [object.kind, object.metadata.name, object.metadata.namespace]),
    ).toEqual([
      ['ValidatingAdmissionPolicy', 'agentsmith-agent-jobs', undefined],
      ['ValidatingAdmissionPolicyBinding', 'agentsmith-agent-jobs', undefined],
    ]);
    expect(dig(objects[1], 'spec', 'matchResources', 'namespaceSelector')).toEqual({
      matchLabels: { 'app.kubernetes.io/part-of': 'agentsmith' },
    });
  });

  it('ships an agentsmith.yml ConfigMap the agent accepts', async () => {
    const objects = await renderKustomization(join(k8sRoot, 'base'));

    const text = dig(
      find(objects, 'ConfigMap', 'agentsmith-config'),
      'data',
      'agentsmith.yml',
    ) as string;

    expect(Object.keys(parseConfig(text, {}, 'deploy/k8s/base/agentsmith.yml').projects)).toEqual([
      'agent-smith-test',
    ]);
  });

  it('validates every other YAML file on its own; the Secret template holds no values and only known keys', async () => {
    const files = await yamlFiles(k8sRoot);
    const checked: string[] = [];

    for (const file of files) {
      const name = relative(k8sRoot, file);
      if (
        name.endsWith('kustomization.yaml') ||
        name.endsWith('-patch.yaml') ||
        name.endsWith('agentsmith.yml')
      )
        continue;
      for (const manifest of await readYamlDocuments(file)) validateKubernetesManifest(manifest);
      checked.push(name);
    }
    const [secret] = await readYamlDocuments(join(k8sRoot, 'base/secret.template.yaml'));
    const data = dig(secret, 'stringData') as Record<string, string>;

    expect(checked).toEqual([
      'admission/admission-policy.yaml',
      'base/admission-params.yaml',
      'base/dispatcher.yaml',
      'base/namespace.yaml',
      'base/network-policies.yaml',
      'base/rbac.yaml',
      'base/redis.yaml',
      'base/secret.template.yaml',
      'overlays/prod/resource-quota.yaml',
    ]);
    expect(Object.values(data).every((value) => value === '')).toEqual(true);
    // The broker's credentials (no agent receives any of them) and the dispatcher's Redis password.
    const brokerKeys = AGENT_CREDENTIAL_KEYS.filter(
      (key) => key !== 'GOOGLE_GENERATIVE_AI_API_KEY',
    );
    expect(
      Object.keys(data).filter((key) => !key.startsWith('SLACK_') && key !== 'REDIS_PASSWORD'),
    ).toEqual(brokerKeys);
    expect(Object.keys(data)).toContain('REDIS_PASSWORD');
  });

  it('rejects a manifest the Kubernetes schema does not allow (the check can fail)', () => {
    const broken = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'x' },
      spec: { backoffLimit: 'none', template: {} },
    };

    expect(() => validateKubernetesManifest(broken)).toThrow();
  });
});
