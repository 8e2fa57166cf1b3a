import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError } from '@agentsmith/kit';
import { git } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readOnlyGit } from './read-only-git.js';

describe('llm/tools/read-only-git', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'read-only-git-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("answers with git's output and exit code, also when git refuses", async () => {
    const outside = await readOnlyGit(root, ['ls-files']);
    await git(root, 'init', '--quiet');
    await writeFile(join(root, 'a.txt'), 'a');
    const listed = await readOnlyGit(root, ['ls-files', '-z', '--others']);

    expect(outside?.exitCode).toBe(128);
    expect(listed).toEqual({ exitCode: 0, stdout: 'a.txt\0' });
  });

  it('gives no answer when the output is over the cap', async () => {
    await git(root, 'init', '--quiet');
    await writeFile(join(root, 'a-long-enough-name.txt'), 'a');

    expect(
      await readOnlyGit(root, ['ls-files', '--others'], { maxOutputBytes: 4 }),
    ).toBeUndefined();
  });

  it('rejects with CancelledError when the job is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(readOnlyGit(root, ['ls-files'], { signal: controller.signal })).rejects.toThrow(
      CancelledError,
    );
  });
});
