import { BUDGET_CHOICES } from '@agentsmith/contracts';
import type { JobContext } from './job-context.js';
import type { TrackedJob } from './job-store.js';

/** How a click on a question stands with the spending rules. */
export type BudgetAnswerResult = 'not-budget' | 'expired' | 'settled';

/**
 * Before the answer to a budget question reaches the agent, once answer-question.ts has checked
 * that the requester or an admin gave it: "Continue" raises the
 * job's cap in the broker's ledger first, so the agent's next call finds it raised; "Stop" makes
 * the broker refuse the job's further calls, whatever the agent does next. An answer after the
 * question's timeout (the agent already took "Stop") stops the job in the broker too.
 */
export async function settleBudgetAnswer(
  context: JobContext,
  job: TrackedJob,
  click: { jobId: string; questionId: string; answer: string; userId: string },
): Promise<BudgetAnswerResult> {
  const question = await context.jobs.question(click.jobId, click.questionId);
  if (question?.kind !== 'budget' || question.status !== 'pending') return 'not-budget';
  if (question.answerBy !== undefined && context.now() > question.answerBy) {
    // The agent took "Stop" when the time ran out; a late "Continue" must not reopen the tap.
    await context.budget?.stopJob(job.jobId, 'no answer to the budget question in time');
    return 'expired';
  }
  if (click.answer === BUDGET_CHOICES.continue) {
    const capUsd = await context.budget?.continueJob(job.jobId, click.questionId);
    if (capUsd !== undefined) {
      await context.notifier.post(
        job.channelId,
        { kind: 'budget-raised', jobId: job.jobId, capUsd, userId: click.userId },
        job.threadTs,
      );
    }
  } else {
    await context.budget?.stopJob(job.jobId, `stopped by ${click.userId} at the budget question`);
  }
  return 'settled';
}
