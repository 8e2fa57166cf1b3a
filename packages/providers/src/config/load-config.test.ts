import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, CURRENT_COMMAND_NAMES } from './command-names.js';
import { loadConfig, parseConfig } from './load-config.js';

const VALID = `
projects:
  agent-smith-test:
    source: { type: github, url: https://github.com/org/repo.git }
    tickets: { type: GitHub, url: https://github.com/org/repo, api_url: '\${GITHUB_API_URL}' }
    agent: { type: claude, model: claude-sonnet-4-5 }
    pipeline: fix-bug
  demo:
    source: { type: local, path: ./demo-repo }
    tickets: { type: local, path: config/tickets }
    pipeline: quick
    approval: required
    test: { command: npm test, timeout: 5m, repair_rounds: 1 }
pipelines:
  quick:
    commands: [FetchTicketCommand, CheckoutSourceCommand, CommitAndPRCommand]
secrets:
  github_token: \${GITHUB_TOKEN}
`;

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config/load-config', () => {
  it('parses a valid file, expanding ${VAR} and applying defaults', () => {
    const warnings: string[] = [];

    const config = parseConfig(VALID, { GITHUB_API_URL: 'http://127.0.0.1:9999' }, 'a.yml', {
      warn: (message) => warnings.push(message),
    });

    const github = config.projects['agent-smith-test'];
    expect(github?.tickets).toEqual({
      type: 'github',
      url: 'https://github.com/org/repo',
      api_url: 'http://127.0.0.1:9999',
    });
    expect(github?.approval).toEqual('auto');
    expect(github?.test).toEqual({ timeout: '10m', repair_rounds: 2 });
    expect(github?.coding_principles_path).toEqual('config/coding-principles.md');
    expect(config.projects['demo']?.test).toEqual({
      command: 'npm test',
      timeout: '5m',
      repair_rounds: 1,
    });
    expect(Object.keys(config.pipelines)).toEqual(['fix-bug', 'quick']);
    expect(config.pipelines['fix-bug']?.commands).toEqual([...CURRENT_COMMAND_NAMES]);
    expect(warnings).toEqual([
      'secrets.github_token: environment variable GITHUB_TOKEN is not set',
    ]);
  });

  it('reports every problem at once, each with its path', () => {
    const text = `
projects:
  broken:
    source: { type: github, url: not-a-url }
    tickets: { type: trello }
    agent: { type: skynet }
    pipeline: nothing
    approval: maybe
    test: { timeout: soon, repair_rounds: -1 }
  half:
    source: { type: github, url: 'https://github.com/org' }
    tickets: { type: local, path: t }
  env:
    source: { type: local, path: '\${DEMO_REPO}' }
    tickets: { type: local, path: tickets }
pipelines:
  custom: { commands: [FetchTicketCommand, DeployToProductionCommand] }
`;

    const problems = problemsOf(() => parseConfig(text, {}));

    expect(problems).toEqual([
      'projects.env.source.path: environment variable DEMO_REPO is not set',
      'projects.broken.pipeline: unknown pipeline "nothing". Valid pipelines: fix-bug, custom',
      'projects.broken.source.url: must be an http(s) URL (found "not-a-url")',
      expect.stringMatching(/^projects\.broken\.tickets\.type: .*github.*local/),
      expect.stringMatching(/^projects\.broken\.agent\.type: .*claude/),
      expect.stringMatching(/^projects\.broken\.approval: .*auto.*required/),
      'projects.broken.test.timeout: Use a duration such as 90s, 10m or 1h (found "soon")',
      expect.stringMatching(/^projects\.broken\.test\.repair_rounds: /),
      'projects.half.source.url: must name the repository: https://<host>/<owner>/<repository> (found "https://github.com/org")',
      'projects.env.source.path: Too small: expected string to have >=1 characters (found "")',
      `pipelines.custom.commands.1: Unknown command "DeployToProductionCommand". Valid commands: ${COMMAND_NAMES.join(', ')}`,
    ]);
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf(() =>
      parseConfig('projects:\n  demo: [\n    oops: 1\n', {}, 'bad.yml'),
    );

    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^bad\.yml:\d+:\d+: /);
  });

  it('reports duplicate keys with their line', () => {
    const problems = problemsOf(() =>
      parseConfig('projects:\n  demo: {}\n  demo: {}\n', {}, 'dup.yml'),
    );

    expect(problems).toEqual(['dup.yml:3:3: Map keys must be unique']);
  });

  it('rejects an empty file and a file without projects', () => {
    expect(problemsOf(() => parseConfig('', {}, 'e.yml'))).toEqual([
      'e.yml: the file is empty; it needs at least a projects: map',
    ]);
    expect(problemsOf(() => parseConfig('pipelines: {}', {}))).toEqual([
      'projects: Invalid input: expected record, received undefined',
    ]);
  });

  it('loads from disk and names a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    try {
      await writeFile(join(dir, 'agentsmith.yml'), VALID);

      const config = await loadConfig(join(dir, 'agentsmith.yml'), {
        GITHUB_API_URL: 'https://ghe.example/api/v3',
        GITHUB_TOKEN: 't',
      });

      expect(Object.keys(config.projects)).toEqual(['agent-smith-test', 'demo']);
      await expect(loadConfig(join(dir, 'missing.yml'), {})).rejects.toThrow(
        /Configuration file not found: .*missing\.yml/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
