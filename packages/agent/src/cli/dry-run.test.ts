import { parseConfig, resolveProject } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import { formatDryRun } from './dry-run.js';
import { missingCredentials } from './required-credentials.js';

const config = parseConfig(
  [
    'projects:',
    '  demo:',
    '    source: { type: github, url: https://github.com/acme/demo.git }',
    '    tickets: { type: github, url: https://github.com/acme/demo }',
    '    agent: { type: openai, model: gpt-test }',
    'pipelines:',
    '  quick:',
    '    commands: [FetchTicketCommand, CheckoutSourceCommand]',
  ].join('\n'),
  {},
);

describe('cli/dry-run', () => {
  it('prints project, ticket, pipeline, steps and the missing credentials', () => {
    const resolved = resolveProject(config, 'demo');

    const text = formatDryRun(
      { ticketId: 'PROJ-58', project: 'demo' },
      resolved,
      missingCredentials(resolved.project, {}),
    );

    expect(text.split('\n')).toEqual([
      'Dry run - nothing will be changed. Would execute:',
      '  Project:  demo',
      '  Ticket:   PROJ-58',
      '  Source:   github https://github.com/acme/demo.git',
      '  Tickets:  github https://github.com/acme/demo',
      '  Agent:    openai gpt-test',
      '  Approval: auto',
      '  Branch:   fix/PROJ-58',
      '  Pipeline: fix-bug',
      '  Steps:',
      '    1. FetchTicketCommand - Fetching ticket',
      '    2. CheckoutSourceCommand - Checking out source',
      '    3. LoadCodingPrinciplesCommand - Loading coding principles',
      '    4. BaselineTestCommand - Running tests before the change',
      '    5. AgenticExecuteCommand - Fixing the ticket',
      '    6. TestCommand - Running tests',
      '    7. CommitAndPRCommand - Creating pull request',
      'Warnings:',
      '  - GITHUB_TOKEN is not set (needed for GitHub API and git push)',
      '  - OPENAI_API_KEY is not set (needed for the LLM (OpenAI))',
    ]);
  });

  it('lists no warning when the credentials are set', () => {
    const resolved = resolveProject(config, 'demo');

    const missing = missingCredentials(resolved.project, {
      GITHUB_TOKEN: 'x',
      OPENAI_API_KEY: 'y',
    });

    expect(missing).toEqual([]);
  });
});
