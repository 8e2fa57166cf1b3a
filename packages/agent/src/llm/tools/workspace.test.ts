import { access, chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeTool, type ToolContext } from './define-tool.js';
import { readFileTool } from './read-file.js';
import { toolTestContext } from './tool-test-context.js';
import { writeFileTool } from './write-file.js';

describe('llm/tools/workspace', () => {
  let context: ToolContext & { root: string };
  let outside: string;

  beforeEach(async () => {
    context = await toolTestContext();
    outside = await mkdtemp(join(tmpdir(), 'outside-'));
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    await writeFile(join(context.root, 'inside.txt'), 'hello');
  });

  afterEach(async () => {
    await rm(context.root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it.each([['../outside.txt'], ['/etc/passwd'], ['a/../../x'], ['./..']])(
    'refuses the path %s',
    async (path) => {
      const result = await executeTool(readFileTool, { path }, context);

      expect(result).toMatchObject({ isError: true });
      expect(result.output).toMatch(/outside the repository/);
    },
  );

  it('refuses to read through a symlink that leaves the repository', async () => {
    await symlink(join(outside, 'secret.txt'), join(context.root, 'link.txt'));

    const result = await executeTool(readFileTool, { path: 'link.txt' }, context);

    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/symbolic link/);
    expect(result.output).not.toContain('top secret');
  });

  it('refuses to write into a symlinked directory outside the repository', async () => {
    await symlink(outside, join(context.root, 'escape'));

    const result = await executeTool(
      writeFileTool,
      { path: 'escape/new.txt', content: 'x' },
      context,
    );

    expect(result.isError).toBe(true);
    await expect(readFile(join(outside, 'new.txt'), 'utf8')).rejects.toThrow();
  });

  it('refuses to write through a dangling symlink', async () => {
    await symlink(join(outside, 'later.txt'), join(context.root, 'dangling.txt'));

    const result = await executeTool(
      writeFileTool,
      { path: 'dangling.txt', content: 'x' },
      context,
    );

    expect(result.isError).toBe(true);
    await expect(readFile(join(outside, 'later.txt'), 'utf8')).rejects.toThrow();
  });

  it('refuses to write inside .git', async () => {
    await mkdir(join(context.root, '.git'));

    const result = await executeTool(
      writeFileTool,
      { path: '.git/hooks/pre-commit', content: 'x' },
      context,
    );

    expect(result).toMatchObject({
      isError: true,
      output: expect.stringMatching(/\.git/) as unknown,
    });
  });

  it('allows a symlink that stays inside and records written files', async () => {
    await mkdir(join(context.root, 'src'));
    await symlink(join(context.root, 'src'), join(context.root, 'alias'));

    const result = await executeTool(writeFileTool, { path: 'alias/x.txt', content: 'x' }, context);

    expect(result.isError).toBeUndefined();
    expect(await readFile(join(context.root, 'src', 'x.txt'), 'utf8')).toEqual('x');
    expect([...context.workspace.changedFiles]).toEqual(['alias/x.txt']);
  });

  it('deduplicates a repeated read of an unchanged file, and rereads after a change', async () => {
    const first = await executeTool(readFileTool, { path: 'inside.txt' }, context);
    const second = await executeTool(readFileTool, { path: 'inside.txt' }, context);
    await writeFile(join(context.root, 'inside.txt'), 'changed');
    const third = await executeTool(readFileTool, { path: 'inside.txt' }, context);

    expect(first.output).toContain('hello');
    expect(second.output).toMatch(/unchanged since you last read them/);
    expect(second.output).not.toContain('hello');
    expect(third.output).toContain('changed');
  });

  it('lists files without starting an fsmonitor planted in .git/config', async () => {
    await git(context.root, 'init', '--quiet');
    const spy = join(outside, 'spy.sh');
    await writeFile(spy, `#!/bin/sh\nenv >> '${join(outside, 'spy.log')}'\n`);
    await chmod(spy, 0o755);
    await git(context.root, 'config', 'core.fsmonitor', spy);

    const files = await context.workspace.listFiles();

    expect(files).toEqual(['inside.txt']);
    await expect(access(join(outside, 'spy.log'))).rejects.toThrow();
  });
});
