import { describe, expect, it } from 'vitest';
import {
  kubernetesJobSpec,
  kubernetesTestSettings,
} from '../../../test/support/kubernetes-spawner-fixture.js';
import { kubernetesJobManifest } from './kubernetes-job-manifest.js';
import { kubernetesLabelValue } from './kubernetes-labels.js';

/** The label value syntax of the Kubernetes API (apimachinery's IsValidLabelValue). */
const VALID = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('spawners/kubernetes/kubernetes-labels', () => {
  it('keeps a valid value as it is', () => {
    for (const value of ['agent-smith-test', 'api_v2', 'a', 'A.b-c_9', 'x'.repeat(63)])
      expect(kubernetesLabelValue(value)).toBe(value);
  });

  it.each([
    ['My Project', /^My-Project-[0-9a-f]{8}$/],
    ['-team/api-', /^team-api-[0-9a-f]{8}$/],
    ['émigré', /^migr-[0-9a-f]{8}$/],
    ['///', /^[0-9a-f]{8}$/],
    ['p'.repeat(64), /^p{54}-[0-9a-f]{8}$/],
  ])('makes %j a valid label value', (value, expected) => {
    const label = kubernetesLabelValue(value);
    expect(label).toMatch(expected);
    expect(label).toMatch(VALID);
    expect(label.length).toBeLessThanOrEqual(63);
  });

  it('gives two names that clean up alike two different values', () => {
    expect(kubernetesLabelValue('a b')).not.toBe(kubernetesLabelValue('a/b'));
  });

  it('labels the Job and its Pods with valid values and keeps the real project name in annotations', () => {
    const spec = kubernetesJobSpec();
    spec.intent.project = 'Payments Service (EU)';
    const job = kubernetesJobManifest(spec, kubernetesTestSettings, false);
    for (const labels of [job.metadata?.labels, job.spec?.template.metadata?.labels])
      for (const value of Object.values(labels ?? {})) expect(value).toMatch(VALID);
    expect(job.metadata?.labels?.['project']).toMatch(/^Payments-Service-EU-[0-9a-f]{8}$/);
    expect(job.metadata?.annotations).toEqual({
      'agentsmith/project': 'Payments Service (EU)',
      'agentsmith/platform': 'slack',
    });
    expect(job.spec?.template.metadata?.annotations).toEqual(job.metadata?.annotations);
  });
});
