import { NotFoundError } from '@agentsmith/kit';
import type { RunContext } from '../pipeline/run-context.js';
import { completed, failed, type Step } from '../pipeline/step.js';
import { TicketWriteback } from '../pipeline/ticket-writeback.js';
import { ticketLabel } from '@agentsmith/contracts';

/** Fetches the ticket and tells it that work has started. */
export const fetchTicketStep: Step<RunContext> = {
  name: 'FetchTicketCommand',
  label: 'Fetching ticket',
  async run(context, signal) {
    const { ticketId, project } = context.intent;
    const ticket = await context.tracker.getTicket(ticketId, { signal });
    if (!ticket) {
      return failed(
        new NotFoundError(
          'tracker_ticket_not_found',
          `Ticket ${ticketLabel(ticketId)} does not exist in the ${context.tracker.type} tickets of ${project}.`,
        ),
      );
    }
    context.state.ticket = ticket;
    await new TicketWriteback(context.tracker, context.logger).started(ticket, signal);
    return completed(`${ticketLabel(ticket.id)}: ${ticket.title}`);
  },
};
