import { z } from 'zod';
import { defineTool } from './define-tool.js';

/** `write_file`: create or overwrite a whole file. */
export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Create a file or replace its whole content. Parent directories are created. ' +
    'Prefer edit_file for changing part of an existing file.',
  input: z.object({ path: z.string().min(1), content: z.string() }),
  async execute(input, { workspace, readCache }) {
    const absolute = await workspace.writeText(input.path, input.content);
    const display = workspace.display(absolute);
    readCache.forgetFile(display);
    return { output: `Wrote ${display} (${input.content.split('\n').length} lines)` };
  },
});
