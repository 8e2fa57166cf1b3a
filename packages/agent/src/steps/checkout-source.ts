import type { RunContext } from '../pipeline/run-context.js';
import { completed, type Step } from '../pipeline/step.js';
import { setUpEnvironment } from './setup-environment.js';

/**
 * Clones (or refreshes) the repository, checks out the run's branch `fix/<ticket>`, then sets the
 * working copy up (environment.setup or the detected install command) before any coding.
 */
export const checkoutSourceStep: Step<RunContext> = {
  name: 'CheckoutSourceCommand',
  label: 'Checking out source',
  async run(context, signal) {
    const source = await context.source.checkout(context.settings.branch, { signal });
    context.state.source = source;
    const setup = await setUpEnvironment(context, source, signal);
    if ('outcome' in setup) return setup.outcome;
    return completed(`Branch ${source.branch} from ${source.baseBranch}${setup.summary}`);
  },
};
