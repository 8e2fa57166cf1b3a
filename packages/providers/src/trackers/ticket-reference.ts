import type { TicketsConfig } from '../config/source-config.js';

/**
 * The tracker's own name for a reference as typed: Jira turns `58` and `#58` into
 * `<project>-58`; every other tracker drops the `#`. Branches (`fix/PROJ-58`) and the broker's
 * REST scope use this form, so one ticket has one name however it was asked for.
 */
export function canonicalTicketReference(tickets: TicketsConfig, reference: string): string {
  const trimmed = reference.trim();
  const number = /^#?(\d+)$/.exec(trimmed)?.[1];
  if (number === undefined) return trimmed;
  return tickets.type === 'jira' ? `${tickets.project}-${number}` : number;
}
