import { z } from 'zod';
import { defineTool } from './define-tool.js';

/** `submit_plan`: with `approval: required`, the loop asks a human to approve its plan. */
export const submitPlanTool = defineTool({
  name: 'submit_plan',
  description:
    'Submit your plan for approval before changing any file (this run requires it). Write it ' +
    'after exploring: the cause you found (files and lines) and the change you intend, in a few ' +
    'numbered steps. Waits for the answer; edits are allowed once it is approved.',
  input: z.object({ plan: z.string().min(1) }),
  async execute(input, { plan }) {
    if (!plan?.required) return { output: 'This run needs no plan approval; go ahead.' };
    if (plan.approved) return { output: 'Your plan is already approved; go ahead with it.' };
    const decision = await plan.submit(input.plan);
    if (!decision.approved) {
      return {
        output: `The plan was rejected: ${decision.reason}`,
        isError: true,
        stop: 'plan-rejected',
      };
    }
    plan.approved = true;
    plan.text = input.plan;
    return { output: 'The plan is approved. Carry it out, then test and finish as usual.' };
  },
});
