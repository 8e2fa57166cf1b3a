import type { CallOptions } from '../call-options.js';

/** A ticket as every tracker presents it. */
export interface Ticket {
  /** The tracker's reference: "58" (GitHub, GitLab, Azure DevOps, local) or "PROJ-58" (Jira). */
  id: string;
  title: string;
  /** Description in markdown (or the tracker's text). */
  body: string;
  /** Web URL of the ticket, when it has one. */
  url?: string;
  labels: string[];
  state: 'open' | 'closed';
}

export interface TicketPage {
  tickets: Ticket[];
  /** Open tickets in all (may exceed `tickets.length`). */
  total: number;
}

export interface NewTicket {
  title: string;
  description?: string;
}

/**
 * A ticket tracker (GitHub issues, GitLab issues, Jira, Azure DevOps work items, local markdown
 * files). Used by the agent (fetch, comment, close) and by the dispatcher (list, create).
 */
export interface Tracker {
  readonly type: string;
  /** Fetches a ticket by its reference; null when it does not exist. */
  getTicket(ticketId: string, options?: CallOptions): Promise<Ticket | null>;
  /** Open tickets, newest first, at most `limit`, with the total count. */
  listOpenTickets(limit: number, options?: CallOptions): Promise<TicketPage>;
  createTicket(ticket: NewTicket, options?: CallOptions): Promise<Ticket>;
  /** Adds a comment to the ticket. */
  addComment(ticketId: string, body: string, options?: CallOptions): Promise<void>;
  /** Closes the ticket, when the tracker supports it (optional capability). */
  closeTicket?(ticketId: string, options?: CallOptions): Promise<void>;
}
