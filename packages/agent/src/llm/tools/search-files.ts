import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineTool } from './define-tool.js';

const MAX_MATCHES = 200;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_LINE = 300;

/** `search_files`: a regular expression over the repository's non-ignored text files. */
export const searchFilesTool = defineTool({
  name: 'search_files',
  description:
    'Search file contents with a JavaScript regular expression (ignored files excluded). ' +
    'Returns path:line: text for each match. Optionally restrict to a directory.',
  input: z.object({
    pattern: z.string().min(1),
    directory: z.string().optional(),
    ignore_case: z.boolean().optional(),
  }),
  async execute(input, { workspace, signal }) {
    let regex: RegExp;
    try {
      regex = new RegExp(input.pattern, input.ignore_case === true ? 'i' : '');
    } catch (error) {
      return { output: `Invalid regular expression: ${(error as Error).message}`, isError: true };
    }
    const files = await workspace.listFiles(input.directory ?? '.', signal);
    const matches: string[] = [];
    for (const file of files) {
      if (matches.length >= MAX_MATCHES) break;
      const path = join(workspace.root, file);
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile() || info.size > MAX_FILE_BYTES) continue;
      const text = await readFile(path, 'utf8');
      if (text.includes('\0')) continue;
      text.split('\n').forEach((line, index) => {
        if (matches.length < MAX_MATCHES && regex.test(line)) {
          matches.push(
            `${file}:${index + 1}: ${line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line}`,
          );
        }
      });
    }
    if (matches.length === 0) return { output: 'No matches.' };
    const more =
      matches.length >= MAX_MATCHES
        ? `\n[stopped at ${MAX_MATCHES} matches; narrow the search]`
        : '';
    return { output: `${matches.join('\n')}${more}` };
  },
});
