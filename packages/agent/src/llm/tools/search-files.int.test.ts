import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { executeTool, type ToolContext } from './define-tool.js';
import { listFilesTool } from './list-files.js';
import { searchFilesTool } from './search-files.js';
import { toolTestContext } from './tool-test-context.js';

/**
 * list_files and search_files on a real git working tree with the awkward cases: untracked,
 * deleted, ignored, binary, symbolic links in and out of the workspace, a folder replaced by a
 * link out of it, names with spaces, a line break and non-ASCII letters, files git reads from its
 * index (assumed unchanged) or skips (tracked as a link, now a file), a tracked file .gitignore
 * matches, a sparse-checkout entry, and the match cap. `needle` is narrowed by `git grep`; `n[e]e[d]l[e]` names no literal, so every
 * file is read: both must answer the same.
 */
describe('llm/tools/search-files on a git working tree', () => {
  let context: ToolContext & { root: string };
  let outside: string;

  beforeAll(async () => {
    context = await toolTestContext();
    outside = await mkdtemp(join(tmpdir(), 'outside-'));
    const root = context.root;
    const write = async (path: string, content: string | Buffer) => {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), content);
    };
    await writeFile(join(outside, 'secret.txt'), 'needle secret\n');
    await writeFile(join(outside, 'file.ts'), 'needle escaped through a folder link\n');
    await git(root, 'init', '--quiet');
    await write('.gitignore', 'ignored/\n*.log\n');
    await write('src/app.ts', 'const needle = 1;\nno match here\n// needle again\n');
    await write('src/gone.ts', 'needle deleted\n');
    await write('src/assumed.ts', 'old text\n');
    await write('src/sparse.ts', 'needle sparse\n');
    await write('sub/file.ts', 'tracked in a folder that becomes a link\n');
    await write('src/meta.ts', 'price: $5.00 (needle*) [x]\n');
    // A name that is not UTF-8: the model could not ask for it by name, so it is not shown.
    const notUtf8 = Buffer.concat([Buffer.from(join(root, 'src/bad-')), Buffer.from([0xff, 0x2e])]);
    await writeFile(notUtf8, 'needle behind a name that is not UTF-8\n');
    await symlink('app.ts', join(root, 'src/typed.ts'));
    await symlink(join(outside, 'secret.txt'), join(root, 'tracked-leak.txt'));
    await git(root, 'add', '--all');
    await write('src/kept.log', 'needle kept though ignored\n');
    await git(root, 'add', '--force', 'src/kept.log');
    // Changes after the index was written.
    await unlink(join(root, 'src/gone.ts'));
    await git(root, 'update-index', '--assume-unchanged', 'src/assumed.ts');
    await write('src/assumed.ts', 'needle assumed unchanged\n');
    await git(root, 'update-index', '--skip-worktree', 'src/sparse.ts');
    await unlink(join(root, 'src/sparse.ts'));
    await unlink(join(root, 'src/typed.ts'));
    await write('src/typed.ts', 'needle where a link was\n');
    await rm(join(root, 'sub'), { recursive: true });
    await symlink(outside, join(root, 'sub'));
    await write('new file.ts', 'needle untracked\n');
    await write('src/ünï code.ts', 'needle unicode\n');
    await write('src/line\nbreak.ts', 'needle line break\n');
    await write('ignored/x.ts', 'needle shadow\n');
    await write('debug.log', 'needle murky\n');
    await write('bin.dat', Buffer.from('needle\0binary\n'));
    await symlink(join(outside, 'secret.txt'), join(root, 'leak.txt'));
    await symlink(outside, join(root, 'outdir'));
    await symlink('src/app.ts', join(root, 'alias.ts'));
    await write('many/lines.txt', 'needle\n'.repeat(250));
  });

  afterAll(async () => {
    await rm(context.root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('lists what is there: untracked yes; deleted, ignored and sparse entries no', async () => {
    const result = await executeTool(listFilesTool, {}, context);

    expect(result.output).toEqual(
      [
        '.gitignore',
        'alias.ts',
        'bin.dat',
        'leak.txt',
        'many/lines.txt',
        'new file.ts',
        'outdir',
        'src/app.ts',
        'src/assumed.ts',
        'src/kept.log',
        'src/line\nbreak.ts',
        'src/meta.ts',
        'src/typed.ts',
        'src/ünï code.ts',
        'sub',
        'sub/file.ts',
        'tracked-leak.txt',
      ].join('\n'),
    );
  });

  it('finds matches git grep would miss, and never reads outside the workspace', async () => {
    const result = await executeTool(
      searchFilesTool,
      { pattern: 'needle', directory: 'src' },
      context,
    );

    expect(result.output.split('\n')).toEqual([
      'src/app.ts:1: const needle = 1;',
      'src/app.ts:3: // needle again',
      'src/assumed.ts:1: needle assumed unchanged',
      'src/kept.log:1: needle kept though ignored',
      'src/line',
      'break.ts:1: needle line break',
      'src/meta.ts:1: price: $5.00 (needle*) [x]',
      'src/typed.ts:1: needle where a link was',
      'src/ünï code.ts:1: needle unicode',
    ]);
  });

  it.each([
    ['needle', true],
    ['n[e]e[d]l[e]', false],
  ])('answers /%s/ the same, with or without git grep narrowing', async (pattern, narrowed) => {
    const gitCalls = vi.spyOn(context.workspace, 'readOnlyGit');

    const result = await executeTool(searchFilesTool, { pattern }, context);
    const lines = result.output.split('\n');

    expect(gitCalls.mock.calls.some(([args]) => args.includes('grep'))).toBe(narrowed);
    gitCalls.mockRestore();

    expect(lines.slice(0, 4)).toEqual([
      'alias.ts:1: const needle = 1;',
      'alias.ts:3: // needle again',
      'many/lines.txt:1: needle',
      'many/lines.txt:2: needle',
    ]);
    expect(lines).toHaveLength(201);
    expect(lines.at(-1)).toEqual('[stopped at 200 matches; narrow the search]');
  });

  it.each([
    ['secret|escaped|shadow|murky|binary|deleted|sparse|UTF-8'],
    ['s[e]cret|e[s]caped|s[h]adow|m[u]rky|b[i]nary|d[e]leted|s[p]arse|U[T]F-8'],
  ])('never reads outside, ignored, binary, deleted or sparse files: /%s/', async (pattern) => {
    const result = await executeTool(searchFilesTool, { pattern }, context);

    expect(result.output).toEqual('No matches.');
  });

  it.each([['\\$5\\.00 \\(needle\\*\\)'], ['\\$5\\.[0]0 \\(n[e]edle\\*\\)']])(
    'takes regular expression syntax as JavaScript does: /%s/',
    async (pattern) => {
      const result = await executeTool(searchFilesTool, { pattern }, context);

      expect(result.output).toEqual('src/meta.ts:1: price: $5.00 (needle*) [x]');
    },
  );

  it('ignores case when asked, with and without narrowing', async () => {
    for (const pattern of ['NEEDLE UNICODE', 'N[E]EDLE UNICODE']) {
      const result = await executeTool(
        searchFilesTool,
        { pattern, ignore_case: true, directory: 'src' },
        context,
      );

      expect(result.output).toEqual('src/ünï code.ts:1: needle unicode');
    }
  });
});

describe('llm/tools/search-files in a folder that is not a repository', () => {
  let context: ToolContext & { root: string };
  let outside: string;

  beforeAll(async () => {
    context = await toolTestContext();
    outside = await mkdtemp(join(tmpdir(), 'outside-'));
    await writeFile(join(outside, 'secret.txt'), 'needle secret\n');
    await mkdir(join(context.root, 'src'));
    await mkdir(join(context.root, 'node_modules'));
    await writeFile(join(context.root, 'src', 'app.ts'), 'const needle = 1;\n');
    await writeFile(join(context.root, 'node_modules', 'dep.js'), 'needle in a dependency\n');
    await symlink(join(outside, 'secret.txt'), join(context.root, 'leak.txt'));
  });

  afterAll(async () => {
    await rm(context.root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('walks the folder, skipping node_modules, and reads no link out of it', async () => {
    const listed = await executeTool(listFilesTool, {}, context);
    const found = await executeTool(searchFilesTool, { pattern: 'needle' }, context);

    expect(listed.output).toEqual('leak.txt\nsrc/app.ts');
    expect(found.output).toEqual('src/app.ts:1: const needle = 1;');
  });
});
