import { ticketLabel } from '@agentsmith/contracts';
import { toAppError } from '@agentsmith/kit';
import { plainMessage } from '../slack/message-blocks.js';
import type { ChatOrigin, JobContext } from './job-context.js';
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
  let text: string;
  try {
    const tracker = await context.projects.tracker(project);
    const page = await tracker.listOpenTickets(LIST_LIMIT, { signal: AbortSignal.timeout(30_000) });
    if (page.tickets.length === 0) {
      text = `No open tickets in *${project}*.`;
    } else {
      const lines = page.tickets
        .slice(0, LIST_LIMIT)
        .map((ticket) => `• *${/^\d+$/.test(ticket.id) ? '#' : ''}${ticket.id}* — ${ticket.title}`);
      const rest = page.total - lines.length;
      text = `:ticket: *Open tickets in ${project}* (${page.total}):\n${lines.join('\n')}${rest > 0 ? `\n…and ${rest} more` : ''}`;
    }
  } catch (error) {
    const failure = toAppError(error, 'tracker_request_failed');
    context.logger.warn({ err: failure, project }, 'Listing tickets failed');
    text = `:x: I couldn't list the tickets of *${project}*: ${failure.message}`;
  }
  await context.notifier.post(
    origin.channelId,
    { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2900) } }] },
    origin.threadTs,
  );
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
    const reference = ticketLabel(ticket.id);
    await context.notifier.post(
      origin.channelId,
      plainMessage(
        `Ticket *${reference}* ${created ? 'created' : 'already open'} in *${project}*: _${ticket.title}_\nTo work on it: \`fix ${reference} in ${project}\``,
        ':white_check_mark:',
      ),
      origin.threadTs,
    );
  } catch (error) {
    const failure = toAppError(error, 'tracker_request_failed');
    context.logger.warn({ err: failure, project }, 'Creating a ticket failed');
    await context.notifier.post(
      origin.channelId,
      plainMessage(`I couldn't create the ticket in *${project}*: ${failure.message}`, ':x:'),
      origin.threadTs,
    );
  }
}
