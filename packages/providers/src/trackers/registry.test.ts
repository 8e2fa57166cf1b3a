import { describe, expect, it } from 'vitest';
import type { SOURCE_TYPES, TICKET_TYPES } from '../config/source-config.js';
import { SourceConfig, TicketsConfig } from '../config/source-config.js';
import { createGitHost } from '../git-hosts/registry.js';
import { createTracker } from './registry.js';

/** One valid block per type the configuration accepts (the Record type demands all of them). */
const TICKETS: Record<(typeof TICKET_TYPES)[number], unknown> = {
  github: { type: 'github', url: 'https://github.com/acme/app' },
  gitlab: { type: 'gitlab', url: 'https://gitlab.example.com', project: 'acme/app' },
  jira: {
    type: 'jira',
    url: 'https://acme.atlassian.net',
    project: 'PROJ',
    completed_state: 'In Review',
  },
  azuredevops: { type: 'azuredevops', organization: 'acme', project: 'Shop' },
  local: { type: 'local', path: 'tickets' },
};
const SOURCES: Record<(typeof SOURCE_TYPES)[number], unknown> = {
  github: { type: 'github', url: 'https://github.com/acme/app.git' },
  gitlab: { type: 'gitlab', url: 'https://gitlab.example.com/acme/app.git' },
  azurerepos: { type: 'azurerepos', url: 'https://dev.azure.com/acme/Shop/_git/web' },
  local: { type: 'local', path: 'repo' },
};

describe('trackers/registry and git-hosts/registry', () => {
  it.each(Object.entries(TICKETS))(
    'builds a %s tracker from a valid tickets block',
    (type, block) => {
      expect(createTracker(TicketsConfig.parse(block), {}).type).toEqual(type);
    },
  );

  it.each(Object.entries(SOURCES))(
    'builds a %s git host from a valid source block',
    (type, block) => {
      expect(createGitHost(SourceConfig.parse(block), {}).type).toEqual(type);
    },
  );

  it('resolves Jira Cloud to REST v3 and other sites to v2 unless api_version says otherwise', () => {
    const requested: string[] = [];
    const fetch = (url: URL) => {
      requested.push(url.href);
      return Promise.resolve(new Response('{}', { status: 500 }));
    };
    const build = (block: unknown) =>
      createTracker(
        TicketsConfig.parse(block),
        { JIRA_TOKEN: 't' },
        { fetch: fetch as unknown as typeof globalThis.fetch, maxRetries: 0 },
      );

    return Promise.allSettled([
      build({ type: 'jira', url: 'https://acme.atlassian.net', project: 'PROJ' }).getTicket(
        'PROJ-1',
      ),
      build({ type: 'jira', url: 'https://jira.acme.test/jira', project: 'PROJ' }).getTicket(
        'PROJ-1',
      ),
      build({
        type: 'jira',
        url: 'https://jira.acme.test',
        project: 'PROJ',
        api_version: '3',
      }).getTicket('PROJ-1'),
    ]).then(() => {
      expect(requested.map((url) => url.replace(/\?.*$/, ''))).toEqual([
        'https://acme.atlassian.net/rest/api/3/issue/PROJ-1',
        'https://jira.acme.test/jira/rest/api/2/issue/PROJ-1',
        'https://jira.acme.test/rest/api/3/issue/PROJ-1',
      ]);
    });
  });

  it('refuses a Jira project that is not an upper-case key and Azure tickets without an organisation', () => {
    expect(() => TicketsConfig.parse({ type: 'jira', project: 'proj' })).toThrow(
      'must be an upper-case Jira project key',
    );
    expect(() =>
      createTracker(TicketsConfig.parse({ type: 'azuredevops', project: 'Shop' }), {}),
    ).toThrow('Azure DevOps tickets need the organisation');
  });
});
