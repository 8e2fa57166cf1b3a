import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeTool, type ToolContext } from './define-tool.js';
import { editFileTool } from './edit-file.js';
import { readFileTool } from './read-file.js';
import { toolTestContext } from './tool-test-context.js';
import { writeFileTool } from './write-file.js';

describe('llm/tools/edit-file', () => {
  let context: ToolContext & { root: string };

  beforeEach(async () => {
    context = await toolTestContext();
    context.commandEnvironment = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    await writeFile(join(context.root, 'a.ts'), 'let x = 1;\nlet y = 1;\nlet x = 1;\n');
  });

  afterEach(async () => {
    await rm(context.root, { recursive: true, force: true });
  });

  const contentOf = (path = 'a.ts') => readFile(join(context.root, path), 'utf8');

  it('replaces a unique match and shows the edited region with line numbers', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let y = 1;', new_text: 'let y = $&2;' },
      context,
    );

    expect(result.output).toEqual(
      'Edited a.ts: replaced 1 occurrence.\n1\tlet x = 1;\n2\tlet y = $&2;\n3\tlet x = 1;',
    );
    expect(result.isError).toBeUndefined();
    expect(await contentOf()).toEqual('let x = 1;\nlet y = $&2;\nlet x = 1;\n');
    expect([...context.workspace.changedFiles]).toEqual(['a.ts']);
  });

  it('refuses an ambiguous match, naming the lines, and changes nothing', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let x = 1;', new_text: 'z' },
      context,
    );

    expect(result).toEqual({
      output:
        'old_text occurs 2 times in a.ts, at lines 1, 3; add surrounding lines so it is unique, or set replace_all.',
      isError: true,
    });
    expect(await contentOf()).toEqual('let x = 1;\nlet y = 1;\nlet x = 1;\n');
  });

  it('suggests the text that matches except for whitespace', async () => {
    await writeFile(
      join(context.root, 'b.py'),
      'def f(a):\n    if a:\n        return 1\n    return 0\n',
    );

    const result = await executeTool(
      editFileTool,
      { path: 'b.py', old_text: 'if a:\n  return 1', new_text: 'x' },
      context,
    );

    expect(result).toEqual({
      isError: true,
      output:
        'old_text was not found in b.py.\nIt matches except for whitespace at line 2; copy this exactly (without the line numbers):\n2\t    if a:\n3\t        return 1',
    });
  });

  it('suggests the closest text when there is no exact match', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let y = 10;', new_text: 'z' },
      context,
    );

    expect(result.isError).toBe(true);
    expect(result.output).toMatch(
      /^old_text was not found in a\.ts\.\nThe closest text \(\d+ % alike\) is at line 2:\n2\tlet y = 1;$/,
    );
  });

  it('says so when nothing is close', async () => {
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'completely unrelated text here', new_text: 'z' },
      context,
    );

    expect(result.output).toEqual(
      'old_text was not found in a.ts.\nNothing in the file is close to it; read the file again (read_file) and copy the text exactly.',
    );
  });

  it('replaces every match with replace_all', async () => {
    await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let x', new_text: 'const x', replace_all: true },
      context,
    );
    expect(await contentOf()).toEqual('const x = 1;\nlet y = 1;\nconst x = 1;\n');
  });

  it.each([
    ['bad.json', '{"a": 1}', '"a": 1', '"a": ', /JSON\.parse/],
    ['bad.js', 'const a = 1;\n', 'const a = 1;', 'const a = (1;', /node --check/],
    ['bad.ts', 'const a: number = 1;\n', '= 1;', '= (1;', /TypeScript parse/],
    ['bad.py', 'x = 1\n', 'x = 1', 'x = (1', /python ast\.parse/],
    ['bad.go', 'package a\n\nfunc A() {}\n', 'func A() {}', 'func A( {}', /gofmt -e/],
    ['bad.yml', 'a: 1\n', 'a: 1', 'a: [1', /YAML parse/],
  ])(
    'warns when %s no longer parses, and keeps the edit',
    async (file, content, oldText, newText, checker) => {
      await writeFile(join(context.root, file), content);

      const result = await executeTool(
        editFileTool,
        { path: file, old_text: oldText, new_text: newText },
        context,
      );

      expect(result.isError).toBeUndefined();
      expect(result.output).toMatch(/WARNING: after this change the file does not parse/);
      expect(result.output).toMatch(checker);
      expect(await contentOf(file)).toContain(newText);
    },
  );

  it('stays quiet when the file parses, and when there is no checker for the language', async () => {
    const valid = await executeTool(
      writeFileTool,
      { path: 'ok.ts', content: 'export const a: number = 1;\n' },
      context,
    );
    const unknown = await executeTool(
      writeFileTool,
      { path: 'notes.xyz', content: '((( not code' },
      context,
    );

    expect(valid.output).toEqual('Wrote ok.ts (2 lines)');
    expect(unknown.output).toEqual('Wrote notes.xyz (1 lines)');
  });

  it('returns invalid arguments as a tool error', async () => {
    const result = await executeTool(editFileTool, { path: 'a.ts', new_text: 3 }, context);
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/^Invalid arguments for edit_file: old_text: .*; new_text: /);
  });

  it('refuses edits until the plan is approved when approval is required', async () => {
    context.plan = {
      required: true,
      approved: false,
      submit: () => Promise.resolve({ approved: true }),
    };
    const result = await executeTool(
      editFileTool,
      { path: 'a.ts', old_text: 'let y = 1;', new_text: 'let y = 2;' },
      context,
    );

    expect(result).toMatchObject({
      isError: true,
      output: expect.stringMatching(/submit_plan/) as unknown,
    });
    expect(await contentOf()).toEqual('let x = 1;\nlet y = 1;\nlet x = 1;\n');
  });
});

describe('llm/tools/read-file', () => {
  let context: ToolContext & { root: string };

  beforeEach(async () => {
    context = await toolTestContext();
    const lines = Array.from({ length: 1000 }, (_, index) => `line ${index + 1}`);
    await writeFile(join(context.root, 'long.txt'), `${lines.join('\n')}\n`);
  });

  afterEach(async () => {
    await rm(context.root, { recursive: true, force: true });
  });

  it('numbers the lines and shows a 400-line window by default', async () => {
    const result = await executeTool(readFileTool, { path: 'long.txt' }, context);
    const lines = result.output.split('\n');

    expect(lines[0]).toEqual('long.txt (lines 1-400 of 1000)');
    expect(lines[1]).toEqual('  1\tline 1');
    expect(lines[400]).toEqual('400\tline 400');
    expect(lines.at(-1)).toEqual('[... 600 more lines; continue with offset 401]');
  });

  it('reads a range', async () => {
    const result = await executeTool(
      readFileTool,
      { path: 'long.txt', offset: 998, limit: 10 },
      context,
    );
    expect(result.output).toEqual(
      'long.txt (lines 998-1000 of 1000)\n 998\tline 998\n 999\tline 999\n1000\tline 1000',
    );
  });

  it('says when the offset is past the end', async () => {
    const result = await executeTool(readFileTool, { path: 'long.txt', offset: 2000 }, context);
    expect(result).toEqual({
      output: 'long.txt has 1000 lines; offset 2000 is past its end.',
      isError: true,
    });
  });
});
