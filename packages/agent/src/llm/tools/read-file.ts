import { z } from 'zod';
import { defineTool } from './define-tool.js';

const MAX_LINES = 2000;
const MAX_CHARS = 100_000;

/** `read_file`: a text file, or a range of its lines. */
export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file of the repository. Paths are relative to the repository root. ' +
    `Returns up to ${MAX_LINES} lines; use offset (1-based first line) and limit for more.`,
  input: z.object({
    path: z.string().min(1),
    offset: z.number().int().positive().optional(),
    limit: z.number().int().positive().optional(),
  }),
  async execute(input, { workspace, readCache }) {
    const { absolute, text } = await workspace.readText(input.path);
    const display = workspace.display(absolute);
    const lines = text.split('\n');
    const start = (input.offset ?? 1) - 1;
    const count = Math.min(input.limit ?? MAX_LINES, MAX_LINES);
    let slice = lines.slice(start, start + count).join('\n');
    let note = '';
    if (slice.length > MAX_CHARS) {
      slice = slice.slice(0, MAX_CHARS);
      note = `\n[... cut at ${MAX_CHARS} characters; read a smaller range with offset/limit]`;
    } else if (start + count < lines.length) {
      note = `\n[... ${lines.length - start - count} more lines; continue with offset ${start + count + 1}]`;
    }
    const key = `${display}#${start}:${count}`;
    if (readCache.isUnchanged(key, slice)) {
      return {
        output: `${display} is unchanged since you last read it (same range); use that content.`,
      };
    }
    readCache.remember(key, slice);
    const header = `${display} (${lines.length} lines${start > 0 ? `, from line ${start + 1}` : ''})`;
    return { output: `${header}\n${slice}${note}` };
  },
});
