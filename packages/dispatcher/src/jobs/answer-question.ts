import { questionAnsweredMessage } from '../slack/message-blocks.js';
import type { JobContext } from './job-context.js';

export type AnswerResult = 'answered' | 'not-pending';

/**
 * A click on a question button: only while the question is pending (claimed atomically, so two
 * clicks give one answer), write `Answer` to `job:<id>:in` and show who answered what.
 */
export async function answerQuestion(
  context: JobContext,
  click: { jobId: string; questionId: string; answer: string; userId: string },
): Promise<AnswerResult> {
  if (!(await context.jobs.get(click.jobId))) {
    context.logger.info(
      { jobId: click.jobId },
      'Click on a question of a job that has ended; ignored',
    );
    return 'not-pending';
  }
  const question = await context.jobs.claimQuestion(
    click.jobId,
    click.questionId,
    click.answer,
    click.userId,
  );
  if (!question) {
    context.logger.info(
      { jobId: click.jobId, questionId: click.questionId },
      'Click on a question that is not pending; ignored',
    );
    return 'not-pending';
  }
  await context.jobs.writeToAgent({
    type: 'answer',
    jobId: click.jobId,
    at: context.now(),
    questionId: click.questionId,
    content: click.answer,
    answeredBy: click.userId,
  });
  await context.notifier.update(
    question.channelId,
    question.ts,
    questionAnsweredMessage(question.text, click.answer, click.userId),
  );
  return 'answered';
}
