import type { CallOptions } from '../call-options.js';
import type { NewTicket, Ticket, TicketPage } from './tracker.js';

/** How many of the newest open tickets are searched for an earlier copy before creating. */
const LOOK_BACK = 50;

/**
 * Look before you create: a retried or repeated create finds the ticket the first attempt made
 * among the newest open ones (same title, same description) instead of opening a second.
 */
export async function ensureTicketByTitle(
  ticket: NewTicket,
  options: CallOptions,
  operations: {
    listOpenTickets(limit: number, options: CallOptions): Promise<TicketPage>;
    create(ticket: NewTicket, options: CallOptions): Promise<Ticket>;
  },
): Promise<{ ticket: Ticket; created: boolean }> {
  const title = ticket.title.trim();
  const description = (ticket.description ?? '').trim();
  const { tickets } = await operations.listOpenTickets(LOOK_BACK, options);
  const earlier = tickets.find(
    (open) => open.title.trim() === title && open.body.trim() === description,
  );
  if (earlier) return { ticket: earlier, created: false };
  return { ticket: await operations.create(ticket, options), created: true };
}
