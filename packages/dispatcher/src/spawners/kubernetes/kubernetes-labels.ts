import { createHash } from 'node:crypto';
import type { JobSpec } from '@agentsmith/contracts';
import { jobLabels } from '../job-spawner.js';

const MAX_LABEL_VALUE = 63;

/**
 * A valid Kubernetes label value for `value`: at most 63 characters of `[A-Za-z0-9_.-]`, starting
 * and ending with a letter or digit. A valid value is kept as it is; any other becomes its cleaned
 * form plus a short hash of the original, so two different names never share a label value.
 */
export function kubernetesLabelValue(value: string): string {
  if (
    value.length <= MAX_LABEL_VALUE &&
    /^([A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?)?$/.test(value)
  )
    return value;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 8);
  const cleaned = value
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, MAX_LABEL_VALUE - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  return cleaned ? `${cleaned}-${hash}` : hash;
}

/** Annotation keys holding the names a label could only carry cleaned. */
const PROJECT_ANNOTATION = 'agentsmith/project';
const PLATFORM_ANNOTATION = 'agentsmith/platform';

/** {@link jobLabels} with every value made a valid label value. */
export function kubernetesJobLabels(spec: JobSpec): Record<string, string> {
  return Object.fromEntries(
    Object.entries(jobLabels(spec)).map(([key, value]) => [key, kubernetesLabelValue(value)]),
  );
}

/** The real project and platform names, which labels may only carry cleaned. */
export function kubernetesJobAnnotations(spec: JobSpec): Record<string, string> {
  return { [PROJECT_ANNOTATION]: spec.intent.project, [PLATFORM_ANNOTATION]: spec.platform };
}
