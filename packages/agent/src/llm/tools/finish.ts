import { z } from 'zod';
import { defineTool } from './define-tool.js';

/** `finish`: the model declares the task done; the finish gate may send it back to work. */
export const finishTool = defineTool({
  name: 'finish',
  description:
    'Call when the task is complete. It runs the test command and shows the results with git ' +
    'status and the diff. If tests fail that passed before your change, if you left new files, or ' +
    'if you changed existing tests, the finish is refused with the details: fix them, or list new ' +
    'files that belong in the change in keep_files and explain changes to existing tests in ' +
    'justification, and call finish again. The summary (cause and change) goes into the pull request.',
  input: z.object({
    summary: z.string().min(1),
    keep_files: z.array(z.string()).optional(),
    justification: z.string().optional(),
  }),
  async execute(input, { finishGate, signal }) {
    if (!finishGate) return { output: 'Finished.', finishSummary: input.summary };
    const review = await finishGate.review(input, signal);
    return review.accepted
      ? { output: review.report, finishSummary: input.summary }
      : { output: review.report, isError: true };
  },
});
