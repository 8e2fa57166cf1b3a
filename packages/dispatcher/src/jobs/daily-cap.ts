import type { JobContext } from './job-context.js';
import type { Notice } from './notices.js';

/**
 * Refuses a new job of a project whose jobs reached the daily LLM cap today, saying which cap and
 * when it resets. Returns the reason when refused, undefined when the job may start.
 */
export async function refuseOverDailyCap(
  context: Pick<JobContext, 'budget' | 'logger'>,
  project: string,
  reply: (notice: Notice) => Promise<unknown>,
): Promise<string | undefined> {
  const reached = await context.budget?.dailyCapReached(project);
  if (!reached || !context.budget) return undefined;
  const reason = context.budget.describeDailyCap(reached);
  context.logger.info({ ...reached }, 'New job refused: the daily cap is reached');
  await reply({ kind: 'daily-cap-reached', ...reached });
  return reason;
}
