import { z } from 'zod';
import { defineTool } from './define-tool.js';

const MAX_ENTRIES = 1000;

/** `list_files`: the repository's files (respecting .gitignore), optionally under a folder. */
export const listFilesTool = defineTool({
  name: 'list_files',
  description: `List files of the repository (ignored files excluded), optionally under a directory. At most ${MAX_ENTRIES} entries.`,
  input: z.object({ directory: z.string().optional() }),
  async execute(input, { workspace, signal }) {
    const files = await workspace.listFiles(input.directory ?? '.', signal);
    if (files.length === 0) return { output: 'No files.' };
    const shown = files.slice(0, MAX_ENTRIES).join('\n');
    const more =
      files.length > MAX_ENTRIES
        ? `\n[... ${files.length - MAX_ENTRIES} more; list a subdirectory]`
        : '';
    return { output: `${shown}${more}` };
  },
});
