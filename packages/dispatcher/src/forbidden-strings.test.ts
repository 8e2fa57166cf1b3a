import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const repositoryRoot = join(import.meta.dirname, '../../..');

// Built from parts so that this file does not contain them itself.
const FORBIDDEN = [['host', 'docker', 'internal'].join('.'), ['K8S', 'REDIS', 'URL'].join('_')];

/** Tracked and untracked (not ignored) files containing `text`, case-insensitively. */
async function filesContaining(text: string): Promise<string[]> {
  try {
    const { stdout } = await exec(
      'git',
      ['grep', '-l', '-i', '-I', '--untracked', '-F', '-e', text],
      { cwd: repositoryRoot },
    );
    return stdout.split('\n').filter(Boolean);
  } catch (error) {
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
}

describe('repository (seed success criteria)', () => {
  it.each(FORBIDDEN)('contains the string %s nowhere', async (text) => {
    expect(await filesContaining(text)).toEqual([]);
  });

  it('finds a string that is present (the search can fail)', async () => {
    expect(await filesContaining(['SPAWNER', 'TYPE'].join('_'))).toContain('docker-compose.yml');
  });
});
