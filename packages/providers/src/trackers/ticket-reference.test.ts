import { describe, expect, it } from 'vitest';
import { TicketsConfig } from '../config/source-config.js';
import { canonicalTicketReference } from './ticket-reference.js';

describe('trackers/ticket-reference', () => {
  const jira = TicketsConfig.parse({
    type: 'jira',
    url: 'https://acme.atlassian.net',
    project: 'PROJ',
  });
  const gitlab = TicketsConfig.parse({ type: 'gitlab', project: 'acme/app' });

  it.each([
    [jira, '58', 'PROJ-58'],
    [jira, '#58', 'PROJ-58'],
    [jira, 'PROJ-58', 'PROJ-58'],
    [gitlab, '#58', '58'],
    [gitlab, '58', '58'],
    [gitlab, 'PROJ-58', 'PROJ-58'],
  ])('names %o reference %s as %s', (tickets, reference, expected) => {
    expect(canonicalTicketReference(tickets, reference)).toEqual(expected);
  });
});
