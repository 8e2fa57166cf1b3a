import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { planRefusal, syntaxNote } from './edit-file.js';

/** `write_file`: create or overwrite a whole file. */
export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Create a file or replace its whole content. Parent directories are created. ' +
    'Prefer edit_file for changing part of an existing file.',
  input: z.object({ path: z.string().min(1), content: z.string() }),
  async execute(input, context) {
    const refusal = planRefusal(context);
    if (refusal) return refusal;
    const absolute = await context.workspace.writeText(input.path, input.content);
    const display = context.workspace.display(absolute);
    context.readCache.forgetFile(display);
    const syntax = await syntaxNote(absolute, input.content, context);
    return { output: `Wrote ${display} (${input.content.split('\n').length} lines)${syntax}` };
  },
});
