import type { RunContext } from '../pipeline/run-context.js';
import { completed, type Step } from '../pipeline/step.js';
import { analyzeRepository } from './analyze-repository.js';
import { requireState } from './require-state.js';

/** Maps the repository (files, kind of project) for the planner. */
export const analyzeCodeStep: Step<RunContext> = {
  name: 'AnalyzeCodeCommand',
  label: 'Analyzing codebase',
  async run(context, signal) {
    const source = requireState(context.state, 'source', 'CheckoutSourceCommand');
    const analysis = context.coder.analyze
      ? await context.coder.analyze(
          { repositoryPath: source.path, ticket: context.state.ticket },
          { signal, onDetail: (text) => context.reporter.detail(text) },
        )
      : await analyzeRepository(source.path, signal);
    context.state.analysis = analysis;
    return completed(
      `${analysis.files.length} files, project type ${analysis.projectType ?? 'unknown'}`,
    );
  },
};
