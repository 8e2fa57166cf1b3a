import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import type { Manifest } from './render-kustomization.js';

/**
 * The real `helm` (built by scripts/provision.sh) on deploy/helm/agentsmith, offline: `helm lint`
 * and `helm template` with values given as plain data (written to a values file, as an operator
 * would), never a cluster.
 */
const exec = promisify(execFile);
export const chartDirectory = join(import.meta.dirname, '../../../../deploy/helm/agentsmith');

export const helmInstalled = await exec('helm', ['version', '--short']).then(
  () => true,
  () => false,
);

/** What helm printed when it refused (its exit was not 0). */
export class HelmRefused extends Error {
  constructor(readonly output: string) {
    super(`helm refused: ${output}`);
  }
}

async function runHelm(args: string[], values: Record<string, unknown>): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'agentsmith-helm-'));
  try {
    const valuesFile = join(folder, 'values.yaml');
    await writeFile(valuesFile, stringify(values));
    const { stdout } = await exec('helm', [...args, '--values', valuesFile]).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new HelmRefused(`${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    return stdout;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * `helm template` of the chart into `namespace` (for a cluster of `kubeVersion`, else Helm's
 * default), parsed into objects (empty documents dropped).
 */
export async function helmTemplate(
  values: Record<string, unknown> = {},
  namespace = 'agentsmith',
  kubeVersion?: string,
): Promise<Manifest[]> {
  const stdout = await runHelm(
    [
      'template',
      'agentsmith',
      chartDirectory,
      '--namespace',
      namespace,
      ...(kubeVersion ? ['--kube-version', kubeVersion] : []),
    ],
    values,
  );
  return parseAllDocuments(stdout)
    .map((document) => document.toJSON() as Manifest | null)
    .filter((object): object is Manifest => object !== null);
}

/** `helm lint --strict` of the chart with these values; its report when it passes. */
export async function helmLint(values: Record<string, unknown> = {}): Promise<string> {
  return runHelm(['lint', '--strict', chartDirectory], values);
}

/** The NOTES an install prints, from a client-side dry run (no cluster). */
export async function helmNotes(
  values: Record<string, unknown> = {},
  namespace = 'agentsmith',
): Promise<string> {
  const stdout = await runHelm(
    ['install', 'agentsmith', chartDirectory, '--dry-run=client', '--namespace', namespace],
    values,
  );
  return stdout.slice(stdout.indexOf('NOTES:'));
}
