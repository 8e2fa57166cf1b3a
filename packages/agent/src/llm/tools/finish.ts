import { z } from 'zod';
import { defineTool } from './define-tool.js';

/** `finish`: the model declares the task done. */
export const finishTool = defineTool({
  name: 'finish',
  description:
    'Call when the task is complete. Give a short summary of what you changed and why; ' +
    'it is shown to the user and used in the pull request.',
  input: z.object({ summary: z.string().min(1) }),
  execute(input) {
    return Promise.resolve({ output: 'Finished.', finishSummary: input.summary });
  },
});
