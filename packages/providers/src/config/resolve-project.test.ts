import { ConfigError } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';
import { resolveProject } from './resolve-project.js';

const config = parseConfig(
  `
projects:
  agent-smith-test:
    source: { type: github, url: https://github.com/org/repo.git }
    tickets: { type: github, url: https://github.com/org/repo }
  api-v2:
    source: { type: local, path: /srv/api }
    tickets: { type: local, path: /srv/tickets }
    pipeline: short
pipelines:
  short: { commands: [FetchTicketCommand, CommitAndPRCommand] }
`,
  {},
);

function thrown(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config/resolve-project', () => {
  it('resolves a project with its pipeline, also case-insensitively', () => {
    const resolved = resolveProject(config, 'API-V2');

    expect(resolved.name).toEqual('api-v2');
    expect(resolved.pipelineName).toEqual('short');
    expect(resolved.commands).toEqual(['FetchTicketCommand', 'CommitAndPRCommand']);
    expect(resolveProject(config, 'agent-smith-test').commands).toHaveLength(7);
  });

  it('names the known projects and the closest match for an unknown one', () => {
    const error = thrown(() => resolveProject(config, 'agent-smith-tst'));

    expect(error.code).toEqual('config_unknown_project');
    expect(error.message).toEqual(
      'Unknown project "agent-smith-tst". Did you mean "agent-smith-test"? Known projects: agent-smith-test, api-v2',
    );
  });

  it('offers no suggestion when nothing is close', () => {
    const error = thrown(() => resolveProject(config, 'zzzzzzzzzzzz'));

    expect(error.message).toEqual(
      'Unknown project "zzzzzzzzzzzz". Known projects: agent-smith-test, api-v2',
    );
  });
});
