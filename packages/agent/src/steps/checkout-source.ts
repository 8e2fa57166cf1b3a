import type { RunContext } from '../pipeline/run-context.js';
import { completed, type Step } from '../pipeline/step.js';

/** Clones (or refreshes) the repository and checks out the run's branch `fix/<ticket>`. */
export const checkoutSourceStep: Step<RunContext> = {
  name: 'CheckoutSourceCommand',
  label: 'Checking out source',
  async run(context, signal) {
    const source = await context.source.checkout(context.settings.branch, { signal });
    context.state.source = source;
    return completed(`Branch ${source.branch} from ${source.baseBranch}`);
  },
};
