import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeTool, type ToolContext } from './define-tool.js';
import { listFilesTool } from './list-files.js';
import { searchFilesTool } from './search-files.js';
import { toolTestContext } from './tool-test-context.js';

describe('llm/tools/search-files', () => {
  let context: ToolContext & { root: string };

  beforeEach(async () => {
    context = await toolTestContext();
    await git(context.root, 'init', '--quiet');
    await mkdir(join(context.root, 'src'));
    await mkdir(join(context.root, 'dist'));
    await writeFile(join(context.root, '.gitignore'), 'dist/\n*.log\n');
    await writeFile(
      join(context.root, 'src', 'app.ts'),
      'export function parseTicket() {}\n// TODO fix\n',
    );
    await writeFile(join(context.root, 'src', 'debug.log'), 'parseTicket in a log\n');
    await writeFile(join(context.root, 'dist', 'app.js'), 'function parseTicket() {}\n');
    await writeFile(join(context.root, 'notes.md'), 'Parseticket notes\n');
  });

  afterEach(async () => {
    await rm(context.root, { recursive: true, force: true });
  });

  it('searches with a regex and skips ignored files', async () => {
    const result = await executeTool(searchFilesTool, { pattern: 'parse\\w+\\(' }, context);

    expect(result.output).toEqual('src/app.ts:1: export function parseTicket() {}');
  });

  it('can ignore case and restrict to a directory', async () => {
    const everywhere = await executeTool(
      searchFilesTool,
      { pattern: 'parseticket', ignore_case: true },
      context,
    );
    const inSrc = await executeTool(
      searchFilesTool,
      { pattern: 'parseticket', ignore_case: true, directory: 'src' },
      context,
    );

    expect(everywhere.output.split('\n')).toEqual([
      'notes.md:1: Parseticket notes',
      'src/app.ts:1: export function parseTicket() {}',
    ]);
    expect(inSrc.output).toEqual('src/app.ts:1: export function parseTicket() {}');
  });

  it('lists files without ignored ones', async () => {
    const result = await executeTool(listFilesTool, {}, context);

    expect(result.output.split('\n')).toEqual(['.gitignore', 'notes.md', 'src/app.ts']);
  });

  it('reports an invalid regex as a tool error', async () => {
    const result = await executeTool(searchFilesTool, { pattern: '(' }, context);

    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/Invalid regular expression/);
  });
});
