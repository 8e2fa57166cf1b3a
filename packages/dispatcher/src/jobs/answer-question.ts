import { adminsOf, audit, refuse } from './access-control.js';
import { settleBudgetAnswer } from './budget-answer.js';
import type { JobContext } from './job-context.js';
import { mayControlJob } from './job-permissions.js';

export type AnswerResult = 'answered' | 'not-pending' | 'refused';

/**
 * A click on a question button, by the person who started the job or an admin (anyone else is
 * answered in the thread and the question stays open): only while the question is pending, claim it and write `Answer` to
 * `job:<id>:in` in one atomic step (two clicks give one answer), then show who answered what.
 */
export async function answerQuestion(
  context: JobContext,
  click: { jobId: string; questionId: string; answer: string; userId: string },
): Promise<AnswerResult> {
  const job = await context.jobs.get(click.jobId);
  if (!job) {
    context.logger.info(
      { jobId: click.jobId },
      'Click on a question of a job that has ended; ignored',
    );
    return 'not-pending';
  }
  const origin = {
    platform: 'slack' as const,
    channelId: job.channelId,
    userId: click.userId,
    threadTs: job.threadTs ?? '',
  };
  const admins = adminsOf(context);
  if (!mayControlJob(click.userId, job, admins)) {
    await refuse(
      context,
      origin,
      'answer',
      'the job is someone else’s',
      { jobId: job.jobId },
      {
        kind: 'not-job-owner',
        jobId: job.jobId,
        action: 'answer',
        requestedBy: job.requestedBy,
        admins: [...admins],
      },
    );
    return 'refused';
  }
  const budget = await settleBudgetAnswer(context, job, click);
  if (budget === 'expired') return 'not-pending';
  const question = await context.jobs.claimQuestion({
    type: 'answer',
    jobId: click.jobId,
    at: context.now(),
    questionId: click.questionId,
    content: click.answer,
    answeredBy: click.userId,
  });
  if (!question) {
    context.logger.info(
      { jobId: click.jobId, questionId: click.questionId },
      'Click on a question that is not pending; ignored',
    );
    return 'not-pending';
  }
  await audit(
    context,
    origin,
    'answer',
    { allowed: true, reason: admins.has(click.userId) ? 'admin' : 'requester' },
    { jobId: job.jobId },
  );
  await context.notifier.update(question.channelId, question.ts, {
    kind: 'question-answered',
    text: question.text,
    answer: click.answer,
    userId: click.userId,
  });
  return 'answered';
}
