import { z } from 'zod';
import { defineTool } from './define-tool.js';

/** `edit_file`: replace one exact, unique piece of text. */
export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace an exact piece of text in a file. old_text must occur exactly once (include enough ' +
    'surrounding lines to make it unique), unless replace_all is true. Whitespace must match.',
  input: z.object({
    path: z.string().min(1),
    old_text: z.string().min(1),
    new_text: z.string(),
    replace_all: z.boolean().optional(),
  }),
  async execute(input, { workspace, readCache }) {
    const { absolute, text } = await workspace.readText(input.path);
    const display = workspace.display(absolute);
    const count = countOccurrences(text, input.old_text);
    if (count === 0) {
      return {
        output: `old_text was not found in ${display}. Read the file again and copy the text exactly, whitespace included.`,
        isError: true,
      };
    }
    if (count > 1 && input.replace_all !== true) {
      return {
        output: `old_text occurs ${count} times in ${display}; add surrounding lines so it is unique, or set replace_all.`,
        isError: true,
      };
    }
    const updated =
      input.replace_all === true
        ? text.split(input.old_text).join(input.new_text)
        : text.replace(input.old_text, () => input.new_text);
    await workspace.writeText(input.path, updated);
    readCache.forgetFile(display);
    return { output: `Edited ${display}: replaced ${count} occurrence${count === 1 ? '' : 's'}` };
  },
});

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (
    let index = text.indexOf(needle);
    index !== -1;
    index = text.indexOf(needle, index + needle.length)
  ) {
    count += 1;
  }
  return count;
}
