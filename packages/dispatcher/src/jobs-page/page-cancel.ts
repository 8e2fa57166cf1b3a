import { adminsOf, audit } from '../jobs/access-control.js';
import { cancelJob } from '../jobs/cancel-job.js';
import type { ChatOrigin, JobContext } from '../jobs/job-context.js';
import { mayControlJob } from '../jobs/job-permissions.js';

/** How many queued jobs are searched for the one to cancel. */
const QUEUE_SEARCHED = 10_000;

export type PageCancelResult = 'cancelled' | 'refused' | 'no-job';

/**
 * Cancel from the jobs page, by a person signed in with Slack: the rules of the chat's `cancel`
 * (`mayControlJob`: the requester or an admin) and the same path (`cancelJob`, which tells the
 * job's thread who stopped it), limited to the one job named. Every decision is audited.
 */
export async function cancelFromPage(
  context: JobContext,
  jobId: string,
  person: { userId: string; teamId?: string | undefined },
): Promise<PageCancelResult> {
  const job =
    (await context.jobs.get(jobId)) ??
    (await context.admission.queued(QUEUE_SEARCHED)).find((request) => request.jobId === jobId);
  if (!job) return 'no-job';
  const origin: ChatOrigin = {
    platform: 'slack',
    channelId: job.channelId,
    userId: person.userId,
    teamId: person.teamId,
    threadTs: job.threadTs ?? '',
  };
  const facts = { jobId, project: job.project, ticketId: job.ticketId };
  const admins = adminsOf(context);
  if (!mayControlJob(person.userId, job, admins)) {
    await audit(
      context,
      origin,
      'cancel',
      { allowed: false, reason: 'jobs page: the job is someone else’s' },
      facts,
    );
    return 'refused';
  }
  const result = await cancelJob(context, origin, jobId);
  if (result.kind === 'cancelled') {
    const role = admins.has(person.userId) ? 'admin' : 'requester';
    await audit(context, origin, 'cancel', { allowed: true, reason: `jobs page: ${role}` }, facts);
    return 'cancelled';
  }
  return result.kind === 'refused' ? 'refused' : 'no-job';
}
