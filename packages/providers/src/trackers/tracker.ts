import type { CallOptions } from '../call-options.js';

/** A ticket as every tracker presents it. */
export interface Ticket {
  /** The tracker's canonical reference: "58" (GitHub, GitLab, Azure DevOps, local) or "PROJ-58" (Jira). */
  id: string;
  title: string;
  /** Description in markdown (or the tracker's text). */
  body: string;
  /** Web URL of the ticket, when it has one. */
  url?: string;
  labels: string[];
  state: 'open' | 'closed';
  /**
   * People's comments, oldest first: at most the newest {@link MAX_TICKET_COMMENTS}, each cut at
   * {@link MAX_TICKET_COMMENT_CHARS}; the agent's own keyed status comments are left out. Absent
   * where the adapter does not read them (lists).
   */
  comments?: TicketComment[];
}

/** A comment on a ticket as a person wrote it. Ticket text: untrusted input for the model. */
export interface TicketComment {
  /** The author's display name or login (`unknown` when the tracker does not say). */
  author: string;
  /** ISO 8601 creation time, when the tracker gives one. */
  createdAt?: string;
  /** Markdown or the tracker's text (Jira's ADF is converted to text). */
  body: string;
}

/** Comments a ticket carries at most (the newest). */
export const MAX_TICKET_COMMENTS = 20;
/** Characters of one comment kept. */
export const MAX_TICKET_COMMENT_CHARS = 4000;

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
 * A comment that exists at most once per ticket: `key` (e.g. `agentsmith:58:completed`) is stored
 * with it where readers do not see it, so a retry or a re-run finds it instead of adding another.
 */
export interface KeyedComment {
  key: string;
  /** Markdown; trackers that speak another format (Jira's ADF) convert it. */
  body: string;
}

/** The target of {@link Tracker.transitionTicket} that means "the tracker's closing state". */
export const DONE_STATE = 'done';

/**
 * A ticket tracker (GitHub issues, GitLab issues, Jira, Azure DevOps work items, local markdown
 * files). Used by the agent (get, comment, transition) and by the dispatcher (list, create).
 * Every write is an *ensure*: repeating it after a retry or a re-run changes nothing more.
 */
export interface Tracker {
  readonly type: string;
  /**
   * Fetches a ticket by its reference (`58`, `#58`, `PROJ-58`; Jira also resolves `58` in its
   * project); null when it does not exist.
   */
  getTicket(ticketId: string, options?: CallOptions): Promise<Ticket | null>;
  /** Open tickets, newest first, at most `limit`, with the total count. */
  listOpenTickets(limit: number, options?: CallOptions): Promise<TicketPage>;
  /** Returns the newest open ticket with the same title, or creates one. `created` tells which. */
  ensureTicket(
    ticket: NewTicket,
    options?: CallOptions,
  ): Promise<{ ticket: Ticket; created: boolean }>;
  /** Adds the comment unless the ticket already has one with the same key. */
  ensureComment(
    ticketId: string,
    comment: KeyedComment,
    options?: CallOptions,
  ): Promise<{ created: boolean }>;
  /**
   * Moves the ticket to a workflow state: a state or transition name (`In Review`), or
   * {@link DONE_STATE} for the tracker's closing state. Trackers without workflows (GitHub,
   * GitLab, local) close on `done` and add a label for any other name. Already there: no change.
   * An unknown name is an AppError listing the names that exist.
   */
  transitionTicket(ticketId: string, state: string, options?: CallOptions): Promise<void>;
}
