import { toAppError } from '@agentsmith/kit';
import type { ChatOrigin, JobContext } from './job-context.js';
import type { Notice } from './notices.js';
import { findProject } from './project-catalog.js';

/** At most this many tickets are listed; the rest are counted. */
export const LIST_LIMIT = 20;

/** `list tickets in <project>`: open tickets, 20 at most, with a count of the rest. */
export async function listTickets(
  context: JobContext,
  origin: ChatOrigin,
  requested: string,
): Promise<void> {
  const project = await findProject(context, origin, requested);
  if (!project) return;
  let notice: Notice;
  try {
    const tracker = await context.projects.tracker(project);
    const page = await tracker.listOpenTickets(LIST_LIMIT, { signal: AbortSignal.timeout(30_000) });
    const tickets = page.tickets
      .slice(0, LIST_LIMIT)
      .map((ticket) => ({ id: ticket.id, title: ticket.title }));
    notice = { kind: 'tickets', project, tickets, total: page.total };
  } catch (error) {
    const failure = toAppError(error, 'tracker_request_failed');
    context.logger.warn({ err: failure, project }, 'Listing tickets failed');
    notice = { kind: 'tickets-failed', project, reason: failure.message };
  }
  await context.notifier.post(origin.channelId, notice, origin.threadTs);
}

/** `create ticket "<title>" in <project> ["<description>"]`. */
export async function createTicket(
  context: JobContext,
  origin: ChatOrigin,
  request: { title: string; project: string; description?: string },
): Promise<void> {
  const project = await findProject(context, origin, request.project);
  if (!project) return;
  try {
    const tracker = await context.projects.tracker(project);
    const { ticket, created } = await tracker.ensureTicket(
      {
        title: request.title,
        ...(request.description ? { description: request.description } : {}),
      },
      { signal: AbortSignal.timeout(30_000) },
    );
    await context.notifier.post(
      origin.channelId,
      { kind: 'ticket-created', project, ticket: { id: ticket.id, title: ticket.title }, created },
      origin.threadTs,
    );
  } catch (error) {
    const failure = toAppError(error, 'tracker_request_failed');
    context.logger.warn({ err: failure, project }, 'Creating a ticket failed');
    await context.notifier.post(
      origin.channelId,
      { kind: 'ticket-create-failed', project, reason: failure.message },
      origin.threadTs,
    );
  }
}
