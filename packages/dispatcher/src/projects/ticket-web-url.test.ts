import { describe, expect, it } from 'vitest';
import { ticketWebUrl } from './ticket-web-url.js';

const auth = { token_env: 'T' } as never;

describe('ticketWebUrl', () => {
  it('links each tracker’s ticket page', () => {
    expect([
      ticketWebUrl(
        { type: 'github', url: 'https://github.com/acme/shop.git', auth } as never,
        '#58',
      ),
      ticketWebUrl({ type: 'gitlab', project: 'group/shop', auth } as never, '#7'),
      ticketWebUrl(
        { type: 'jira', url: 'https://acme.atlassian.net/', project: 'PROJ', auth } as never,
        'PROJ-12',
      ),
      ticketWebUrl(
        { type: 'azuredevops', organization: 'acme', project: 'My Shop', auth } as never,
        '42',
      ),
      ticketWebUrl({ type: 'local', path: 'tickets' } as never, '3'),
    ]).toEqual([
      'https://github.com/acme/shop/issues/58',
      'https://gitlab.com/group/shop/-/issues/7',
      'https://acme.atlassian.net/browse/PROJ-12',
      'https://dev.azure.com/acme/My%20Shop/_workitems/edit/42',
      undefined,
    ]);
  });

  it('prefers JIRA_URL and GITLAB_URL, and refuses a ticket id without a number', () => {
    expect([
      ticketWebUrl({ type: 'jira', project: 'PROJ', auth } as never, '12', {
        JIRA_URL: 'https://jira.acme.test',
      }),
      ticketWebUrl({ type: 'gitlab', project: 'g/p', auth } as never, '5', {
        GITLAB_URL: 'https://git.acme.test/',
      }),
      ticketWebUrl({ type: 'github', url: 'https://github.com/a/b', auth } as never, 'abc'),
    ]).toEqual([
      'https://jira.acme.test/browse/PROJ-12',
      'https://git.acme.test/g/p/-/issues/5',
      undefined,
    ]);
  });
});
