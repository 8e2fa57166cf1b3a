import type { Logger } from '@agentsmith/kit';
import { formatCost } from '@agentsmith/contracts';
import type { Ticket, Tracker } from './run-ports.js';

/** Facts the completion comment lists. */
export interface CompletionFacts {
  prUrl?: string | undefined;
  changedFiles: string[];
  costUsd?: number | undefined;
  summary: string;
}

/**
 * Comments on the ticket at the start, on failure and on completion. Writeback is best effort:
 * a tracker that refuses a comment is logged and never fails the run.
 */
export class TicketWriteback {
  constructor(
    private readonly tracker: Tracker,
    private readonly logger: Logger,
  ) {}

  started(ticket: Ticket, signal: AbortSignal): Promise<void> {
    return this.#comment(
      ticket.id,
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
    return this.#comment(ticket.id, body, signal);
  }

  completed(ticket: Ticket, facts: CompletionFacts, signal: AbortSignal): Promise<void> {
    const lines = ['## Agent Smith - Completed', ''];
    if (facts.prUrl) lines.push(`**Pull request:** ${facts.prUrl}`);
    lines.push(
      `**Cost:** ${formatCost(facts.costUsd)}`,
      '',
      facts.summary,
      '',
      '### Changed files',
    );
    lines.push(...facts.changedFiles.map((file) => `- \`${file}\``));
    return this.#comment(ticket.id, lines.join('\n'), signal);
  }

  async #comment(ticketId: string, body: string, signal: AbortSignal): Promise<void> {
    try {
      await this.tracker.addComment(ticketId, body, { signal });
    } catch (error) {
      this.logger.warn({ error, ticketId }, 'ticket comment failed');
    }
  }
}
