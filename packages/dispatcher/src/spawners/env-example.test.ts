import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AGENT_BASE_URL_KEYS,
  AGENT_CREDENTIAL_KEYS,
  AGENT_FORWARDED_KEYS,
} from './agent-credentials.js';

const repositoryRoot = join(import.meta.dirname, '../../../..');
const dispatcherSources = join(repositoryRoot, 'packages/dispatcher/src');

/** Set by the platform, never by an operator: Docker/Kubernetes fill them in. */
const PLATFORM_VARIABLES = ['HOSTNAME', 'KUBERNETES_SERVICE_HOST'];

/** Variables the dispatcher's sources read as `env['NAME']` (tests excluded). */
async function variablesReadByTheDispatcher(): Promise<string[]> {
  const files = (await readdir(dispatcherSources, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  );
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(join(dispatcherSources, file), 'utf8');
    for (const match of text.matchAll(/env\['([A-Z][A-Z0-9_]*)'\]/g))
      if (match[1]) names.add(match[1]);
  }
  return [...names].sort();
}

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
  it('names every variable the dispatcher reads or forwards, each under a comment', async () => {
    const example = documentedVariables(
      await readFile(join(repositoryRoot, '.env.example'), 'utf8'),
    );
    const compose = parse(await readFile(join(repositoryRoot, 'docker-compose.yml'), 'utf8')) as {
      services: { dispatcher: { environment: Record<string, string> } };
    };
    const fixedByCompose = Object.keys(compose.services.dispatcher.environment);
    const needed = [
      ...new Set([
        ...(await variablesReadByTheDispatcher()),
        ...AGENT_FORWARDED_KEYS,
        ...AGENT_CREDENTIAL_KEYS,
        ...AGENT_BASE_URL_KEYS,
      ]),
    ]
      .filter((name) => !PLATFORM_VARIABLES.includes(name) && !fixedByCompose.includes(name))
      .sort();

    const missing = needed.filter((name) => !example.has(name));
    const uncommented = [...example].filter(([, commented]) => !commented).map(([name]) => name);

    expect([missing, uncommented]).toEqual([[], []]);
    expect(needed).toContain('SLACK_SIGNING_SECRET');
  });
});
