import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AGENT_FORWARDED_KEYS } from '@agentsmith/contracts';
import { DispatcherEnvironment } from './dispatcher-environment.js';

const repositoryRoot = join(import.meta.dirname, '../../../..');

/** Set by the platform, never by an operator: Docker/Kubernetes fill them in. */
const PLATFORM_VARIABLES = ['HOSTNAME', 'KUBERNETES_SERVICE_HOST'];

/** `.env.example` as name → whether a comment line heads the block the variable is in. */
function documentedVariables(text: string): Map<string, boolean> {
  const documented = new Map<string, boolean>();
  let blockHasComment = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '') blockHasComment = false;
    else if (line.startsWith('#')) blockHasComment = true;
    else {
      const name = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
      if (name) documented.set(name, blockHasComment);
    }
  }
  return documented;
}

describe('repository .env.example', () => {
  it('names every variable of the dispatcher environment schema, each under a comment', async () => {
    const example = documentedVariables(
      await readFile(join(repositoryRoot, '.env.example'), 'utf8'),
    );
    const compose = parse(await readFile(join(repositoryRoot, 'docker-compose.yml'), 'utf8')) as {
      services: { dispatcher: { environment: Record<string, string> } };
    };
    const fixedByCompose = Object.keys(compose.services.dispatcher.environment);
    const needed = [
      ...new Set([...Object.keys(DispatcherEnvironment.shape), ...AGENT_FORWARDED_KEYS]),
    ]
      .filter((name) => !PLATFORM_VARIABLES.includes(name) && !fixedByCompose.includes(name))
      .sort();

    const missing = needed.filter((name) => !example.has(name));
    const uncommented = [...example].filter(([, commented]) => !commented).map(([name]) => name);

    expect([missing, uncommented]).toEqual([[], []]);
    expect(needed).toContain('SLACK_SIGNING_SECRET');
  });
});
