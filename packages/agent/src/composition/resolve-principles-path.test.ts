import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePrinciplesPath } from './resolve-principles-path.js';

describe('composition/resolve-principles-path', () => {
  let root: string;
  let cwd: string;
  let install: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'principles-'));
    cwd = join(root, 'workspace');
    install = join(root, 'app');
    await mkdir(join(install, 'config'), { recursive: true });
    await mkdir(join(cwd, 'config'), { recursive: true });
    await writeFile(join(install, 'config', 'coding-principles.md'), '# default');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('falls back to the installation when the working directory has no such file', () => {
    expect(resolvePrinciplesPath('config/coding-principles.md', cwd, install)).toBe(
      join(install, 'config', 'coding-principles.md'),
    );
  });

  it('prefers the working directory, and keeps absolute paths as they are', async () => {
    await writeFile(join(cwd, 'config', 'coding-principles.md'), '# mine');

    expect(resolvePrinciplesPath('config/coding-principles.md', cwd, install)).toBe(
      join(cwd, 'config', 'coding-principles.md'),
    );
    expect(resolvePrinciplesPath('/etc/principles.md', cwd, install)).toBe('/etc/principles.md');
  });

  it('names the working-directory path when the file is nowhere', () => {
    expect(resolvePrinciplesPath('docs/missing.md', cwd, install)).toBe(
      join(cwd, 'docs', 'missing.md'),
    );
  });

  it('finds the shipped default from the real installation', () => {
    expect(resolvePrinciplesPath('config/coding-principles.md', root)).toMatch(
      /config\/coding-principles\.md$/,
    );
    expect(resolvePrinciplesPath('config/coding-principles.md', root)).not.toContain(root);
  });
});
