import type { TicketsConfig } from '@agentsmith/providers';
import { repositoryWebUrl } from './load-project-catalog.js';

/** The ticket's number without a `#` or a project key (`#58` → `58`, `PROJ-58` → `58`). */
function ticketNumber(ticketId: string): string | undefined {
  return /(\d+)$/.exec(ticketId)?.[1];
}

/**
 * Where a person reads the ticket in a browser, from the project's `tickets` settings;
 * undefined for local tickets or when the settings do not say (e.g. GitLab without a URL).
 */
export function ticketWebUrl(
  tickets: TicketsConfig,
  ticketId: string,
  env: Readonly<Record<string, string | undefined>> = {},
): string | undefined {
  const number = ticketNumber(ticketId);
  if (number === undefined) return undefined;
  switch (tickets.type) {
    case 'github': {
      const repository = repositoryWebUrl(tickets.url);
      return repository ? `${repository}/issues/${number}` : undefined;
    }
    case 'gitlab': {
      const base = (tickets.url ?? env['GITLAB_URL'] ?? 'https://gitlab.com').replace(/\/+$/, '');
      return `${base}/${tickets.project}/-/issues/${number}`;
    }
    case 'jira': {
      const site = (env['JIRA_URL'] || tickets.url)?.replace(/\/+$/, '');
      return site ? `${site}/browse/${tickets.project}-${number}` : undefined;
    }
    case 'azuredevops': {
      const organisation =
        tickets.url?.replace(/\/+$/, '') ??
        (tickets.organization ? `https://dev.azure.com/${tickets.organization}` : undefined);
      return organisation
        ? `${organisation}/${encodeURIComponent(tickets.project)}/_workitems/edit/${number}`
        : undefined;
    }
    case 'local':
      return undefined;
  }
}
