import type { Logger } from '@agentsmith/kit';
import { formatCost } from '@agentsmith/contracts';
import type { Ticket, Tracker } from './run-ports.js';

/** Facts the completion comment lists. */
export interface CompletionFacts {
  prUrl?: string | undefined;
  changedFiles: string[];
  costUsd?: number | undefined;
  summary: string;
  /** Why the work is unfinished: the comment says so and the ticket keeps its state. */
  unfinished?: string | undefined;
}

/**
 * Comments on the ticket at the start, on failure and on completion, and moves it to the
 * configured state once its pull request is open. Every comment has a key (ticket, kind and what
 * it reports), so a retried or repeated run finds it instead of posting it twice. Writeback is
 * best effort: a tracker that refuses is logged and never fails the run.
 */
export class TicketWriteback {
  constructor(
    private readonly tracker: Tracker,
    private readonly logger: Logger,
    private readonly completedState?: string | undefined,
  ) {}

  started(ticket: Ticket, signal: AbortSignal): Promise<void> {
    return this.#comment(
      ticket.id,
      `agentsmith:${ticket.id}:started`,
      `🤖 **Agent Smith** is working on this ticket. A pull request will follow.`,
      signal,
    );
  }

  failed(
    ticket: Ticket,
    failure: { step: number; total: number; stepName: string; reason: string },
    signal: AbortSignal,
  ): Promise<void> {
    const body = [
      '## Agent Smith - Failed',
      '',
      `**Step:** ${failure.stepName} (${failure.step}/${failure.total})`,
      `**Reason:** ${failure.reason}`,
    ].join('\n');
    const key = `agentsmith:${ticket.id}:failed:${failure.stepName}:${failure.reason}`;
    return this.#comment(ticket.id, key, body, signal);
  }

  async completed(ticket: Ticket, facts: CompletionFacts, signal: AbortSignal): Promise<void> {
    const lines = facts.unfinished
      ? ['## Agent Smith - Unfinished', '', `**Why:** ${facts.unfinished}`]
      : ['## Agent Smith - Completed', ''];
    if (facts.prUrl)
      lines.push(`**${facts.unfinished ? 'Draft pull' : 'Pull'} request:** ${facts.prUrl}`);
    lines.push(
      `**Cost:** ${formatCost(facts.costUsd)}`,
      '',
      facts.summary,
      '',
      '### Changed files',
    );
    lines.push(...facts.changedFiles.map((file) => `- \`${file}\``));
    const key = `agentsmith:${ticket.id}:completed:${facts.prUrl ?? facts.changedFiles.join(',')}`;
    await this.#comment(ticket.id, key, lines.join('\n'), signal);
    if (this.completedState && !facts.unfinished) {
      await this.#transition(ticket.id, this.completedState, signal);
    }
  }

  async #comment(ticketId: string, key: string, body: string, signal: AbortSignal): Promise<void> {
    try {
      await this.tracker.ensureComment(ticketId, { key, body }, { signal });
    } catch (error) {
      this.logger.warn({ error, ticketId }, 'ticket comment failed');
    }
  }

  async #transition(ticketId: string, state: string, signal: AbortSignal): Promise<void> {
    try {
      await this.tracker.transitionTicket(ticketId, state, { signal });
    } catch (error) {
      this.logger.warn({ error, ticketId, state }, 'moving the ticket failed');
    }
  }
}
