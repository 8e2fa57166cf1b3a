import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeTool, type ToolContext } from './define-tool.js';
import { editFileTool } from './edit-file.js';
import { toolTestContext } from './tool-test-context.js';

describe('llm/tools/edit-file', () => {
  let context: ToolContext & { root: string };

  beforeEach(async () => {
    context = await toolTestContext();
    await writeFile(join(context.root, 'a.ts'), 'let x = 1;\nlet y = 1;\nlet x = 1;\n');
  });

  afterEach(async () => {
    await rm(context.root, { recursive: true, force: true });
  });

  const contentOf = () => readFile(join(context.root, 'a.ts'), 'utf8');

  it('replaces a unique match', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let y = 1;', new_text: 'let y = $&2;' },
      context,
    );

    expect(result.output).toEqual('Edited a.ts: replaced 1 occurrence');
    expect(await contentOf()).toEqual('let x = 1;\nlet y = $&2;\nlet x = 1;\n');
    expect([...context.workspace.changedFiles]).toEqual(['a.ts']);
  });

  it('refuses an ambiguous match and changes nothing', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let x = 1;', new_text: 'z' },
      context,
    );

    expect(result).toEqual({
      output:
        'old_text occurs 2 times in a.ts; add surrounding lines so it is unique, or set replace_all.',
      isError: true,
    });
    expect(await contentOf()).toEqual('let x = 1;\nlet y = 1;\nlet x = 1;\n');
  });

  it('reports a missing match', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let q', new_text: 'z' },
      context,
    );

    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/not found in a\.ts/);
  });

  it('replaces every match with replace_all', async () => {
    await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let x', new_text: 'const x', replace_all: true },
      context,
    );

    expect(await contentOf()).toEqual('const x = 1;\nlet y = 1;\nconst x = 1;\n');
  });

  it('returns invalid arguments as a tool error', async () => {
    const result = await executeTool(editFileTool, { path: 'a.ts', new_text: 3 }, context);

    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Invalid arguments for edit_file: old_text: .*; new_text: /);
  });
});
