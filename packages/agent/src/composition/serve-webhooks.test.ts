import { parseConfig } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import { resolveWebhookProject } from './serve-webhooks.js';

const config = parseConfig(
  [
    'projects:',
    '  api-v2:',
    '    source: { type: github, url: https://github.com/acme/api.git }',
    '    tickets: { type: github, url: https://github.com/acme/api }',
    '    webhook: { label: agent-smith }',
    '  tools:',
    '    source: { type: local, path: /srv/tools }',
    '    tickets: { type: local, path: /srv/tickets }',
  ].join('\n'),
  {},
);

describe('composition/serve-webhooks', () => {
  it.each`
    repository      | name       | label            | expected
    ${'acme/api'}   | ${'api'}   | ${'Agent-Smith'} | ${{ ticketId: '7', project: 'api-v2' }}
    ${'acme/api'}   | ${'api'}   | ${'bug'}         | ${null}
    ${'other/api'}  | ${'api'}   | ${'agent-smith'} | ${null}
    ${'acme/tools'} | ${'tools'} | ${'agent-smith'} | ${{ ticketId: '7', project: 'tools' }}
  `('maps $repository labelled $label to $expected', ({ repository, name, label, expected }) => {
    const intent = resolveWebhookProject(config, {
      repository: repository as string,
      repositoryName: name as string,
      issueNumber: 7,
      label: label as string,
    });

    expect(intent).toEqual(expected);
  });
});
