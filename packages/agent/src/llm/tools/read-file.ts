import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { numbered } from './text-match.js';

const DEFAULT_LINES = 400;
const MAX_LINES = 2000;
const MAX_CHARS = 40_000;
const MAX_LINE_CHARS = 2000;

/** `read_file`: a text file, or a range of its lines, with line numbers. */
export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file of the repository (path relative to the repository root). Lines come ' +
    `numbered ("  12<TAB>text"); the numbers are not part of the file. Returns ${DEFAULT_LINES} lines ` +
    'from offset (1-based, default 1); set limit (at most ' +
    `${MAX_LINES}) for another range. Prefer reading the part you need after search_files.`,
  input: z.object({
    path: z.string().min(1),
    offset: z.number().int().positive().optional(),
    limit: z.number().int().positive().optional(),
  }),
  async execute(input, { workspace, readCache }) {
    const { absolute, text } = await workspace.readText(input.path);
    const display = workspace.display(absolute);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const start = (input.offset ?? 1) - 1;
    if (start >= lines.length && lines.length > 0) {
      return {
        output: `${display} has ${lines.length} lines; offset ${start + 1} is past its end.`,
        isError: true,
      };
    }
    const count = Math.min(input.limit ?? DEFAULT_LINES, MAX_LINES);
    const shown = lines
      .slice(start, start + count)
      .map((line) =>
        line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} [... line cut]` : line,
      );
    let body = numbered(shown, start + 1);
    let last = start + shown.length;
    if (body.length > MAX_CHARS) {
      body = body.slice(0, body.lastIndexOf('\n', MAX_CHARS));
      last = start + body.split('\n').length;
    }
    const key = `${display}#${start}:${count}`;
    if (readCache.isUnchanged(key, body)) {
      return {
        output: `${display} lines ${start + 1}-${last} are unchanged since you last read them; use that content.`,
      };
    }
    readCache.remember(key, body);
    const range = lines.length === 0 ? 'empty' : `lines ${start + 1}-${last} of ${lines.length}`;
    const more =
      last < lines.length
        ? `\n[... ${lines.length - last} more lines; continue with offset ${last + 1}]`
        : '';
    return { output: `${display} (${range})\n${body}${more}` };
  },
});
