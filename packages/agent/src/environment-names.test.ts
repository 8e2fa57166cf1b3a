import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AGENT_ENV_NAMES } from '@agentsmith/contracts';
import { describe, expect, it } from 'vitest';

/** Variables of the process itself, or set by the agent for its own child processes. */
const NOT_PART_OF_THE_CONTRACT = new Set(['PATH', 'HOME']);

async function productionSources(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .filter((entry) => !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** `env['NAME']`, `env.NAME`, `env[NAME_ENV]` where the constant is named in the same file. */
async function variablesRead(files: string[]): Promise<Map<string, string>> {
  const read = new Map<string, string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const names = [
      ...text.matchAll(/\benv\[\s*'([A-Z][A-Z0-9_]+)'\s*\]/g),
      ...text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)\b/g),
    ].map((match) => match[1] as string);
    for (const name of names) read.set(name, relative(process.cwd(), file));
  }
  return read;
}

describe('the agent environment (contracts/agent-environment.ts)', () => {
  it('names every variable the agent and its providers read', async () => {
    const packages = join(import.meta.dirname, '../..');
    const files = [
      ...(await productionSources(join(packages, 'agent/src'))),
      ...(await productionSources(join(packages, 'providers/src'))),
    ];

    const read = await variablesRead(files);

    const unnamed = [...read]
      .filter(([name]) => !AGENT_ENV_NAMES.includes(name) && !NOT_PART_OF_THE_CONTRACT.has(name))
      .map(([name, file]) => `${name} (read in ${file})`);
    expect(unnamed).toEqual([]);
    expect(read.size).toBeGreaterThan(10);
  });
});
