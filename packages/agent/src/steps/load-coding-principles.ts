import { readFile } from 'node:fs/promises';
import type { RunContext } from '../pipeline/run-context.js';
import { completed, skipped, type Step } from '../pipeline/step.js';

/** Reads the project's coding principles (markdown) for the planner and the coding loop. */
export const loadCodingPrinciplesStep: Step<RunContext> = {
  name: 'LoadCodingPrinciplesCommand',
  label: 'Loading coding principles',
  async run(context, signal) {
    const path = context.settings.codingPrinciplesPath;
    let text: string;
    try {
      text = await readFile(path, { encoding: 'utf8', signal });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      context.logger.warn({ path }, 'coding principles file not found');
      return skipped(`No coding principles at ${path}`);
    }
    context.state.codingPrinciples = text;
    return completed(`Loaded coding principles (${text.length} characters)`);
  },
};
