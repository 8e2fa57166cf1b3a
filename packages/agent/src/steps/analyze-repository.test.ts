import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeRepository } from './analyze-repository.js';

describe('steps/analyze-repository', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'analyze-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function files(paths: string[]) {
    for (const path of paths) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), '');
    }
  }

  it('lists files sorted, skipping .git and node_modules, and detects a node project', async () => {
    await files(['package.json', 'src/b.ts', 'src/a.ts', '.git/HEAD', 'node_modules/x/index.js']);

    const analysis = await analyzeRepository(root, new AbortController().signal);

    expect(analysis.files).toEqual(['package.json', 'src/a.ts', 'src/b.ts']);
    expect(analysis.projectType).toBe('node');
    expect(analysis.overview).toContain('- src/a.ts');
  });

  it.each`
    marker          | type
    ${'go.mod'}     | ${'go'}
    ${'Cargo.toml'} | ${'rust'}
    ${'app.csproj'} | ${'dotnet'}
    ${'tool.py'}    | ${'python'}
    ${'notes.txt'}  | ${null}
  `('detects $marker as $type', async ({ marker, type }) => {
    await files([marker as string]);

    const analysis = await analyzeRepository(root, new AbortController().signal);

    expect(analysis.projectType).toBe(type);
  });
});
