import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLlmApi, git } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent, sandbox, type Sandbox } from './agent-cli.js';
import { BUGGY_SUM_FILES, fixingSumTurns } from '@agentsmith/testkit';

describe('agent (local source, local tickets)', () => {
  let box: Sandbox;
  let llm: FakeLlmApi;

  beforeEach(async () => {
    box = await sandbox();
    llm = await FakeLlmApi.start();
  });
  afterEach(async () => {
    await llm.stop();
    await box.cleanup();
  });

  async function configure(): Promise<string> {
    const tickets = join(box.root, 'tickets');
    const ticketFile = await box.writeFile(
      'tickets/1-sum-is-wrong.md',
      '# Sum is wrong\n\nsum(2, 2) returns 5 instead of 4.\n',
    );
    await box.writeFile('principles.md', '- Keep changes minimal.\n');
    await box.writeConfig(
      [
        'projects:',
        '  demo:',
        `    source: { type: local, path: ${box.repo.work} }`,
        `    tickets: { type: local, path: ${tickets} }`,
        '    agent: { type: claude, model: claude-test, retry: { max_retries: 0 } }',
        `    coding_principles_path: ${join(box.root, 'principles.md')}`,
      ].join('\n'),
    );
    return ticketFile;
  }

  it('fixes a local ticket in a local repository with no SaaS at all (Anthropic wire)', async () => {
    const ticketFile = await configure();
    llm.script(...fixingSumTurns());

    const result = await runAgent(
      ['--config', box.configPath, 'fix #1 in demo'],
      {
        ANTHROPIC_API_KEY: 'sk-ant-test-key',
        ANTHROPIC_BASE_URL: llm.baseUrl,
        AGENTSMITH_WORKDIR: box.workdir,
      },
      box.root,
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(await box.repo.originBranches()).toEqual(['main']);
    expect(await git(box.repo.work, 'branch', '--list', 'fix/1')).toContain('fix/1');
    expect(await git(box.repo.work, 'show', 'fix/1:src/sum.js')).toBe(
      'export function sum(a, b) {\n  return a + b;\n}',
    );
    expect(await git(box.repo.work, 'log', '-1', '--format=%s', 'fix/1')).toBe(
      'fix: Sum is wrong (#1)',
    );
    const ticket = await readFile(ticketFile, 'utf8');
    expect(ticket).toContain('is working on this ticket');
    expect(ticket).toContain('## Agent Smith - Completed');
    expect(ticket).toContain('- `src/sum.js`');
    expect(result.stdout).toContain('[7/7] Creating pull request');
    expect(result.stdout).toContain('Done: Fixed #1 Sum is wrong: Removed the stray + 1 in sum');
    expect(llm.requests.map((request) => request.protocol)).toEqual(['anthropic', 'anthropic']);
    expect(llm.requests[0]?.system).toContain('Keep changes minimal.');
    expect(llm.requests[0]?.system).toContain("The project's test command is `npm test`.");
    expect(result.stdout + result.stderr).not.toContain('sk-ant-test-key');
    llm.assertDone();
  });

  it('shows no credential to the commands the model runs nor to the test step', async () => {
    const dumps = await mkdtemp(join(tmpdir(), 'agentsmith-env-'));
    await box.cleanup();
    box = await sandbox({
      ...BUGGY_SUM_FILES,
      'package.json': JSON.stringify({
        name: 'demo',
        scripts: { test: 'env > "$DUMP_DIR/test-env.txt" && node test.js' },
      }),
    });
    await configure();
    const [edit, finish] = fixingSumTurns();
    llm.script(edit!, { toolCalls: [{ name: 'run_command', input: { command: 'env' } }] }, finish!);
    const secrets = {
      ANTHROPIC_API_KEY: 'sk-ant-e2e-secret-1',
      GITHUB_TOKEN: 'ghp_e2e_secret_2',
      GITHUB_WEBHOOK_SECRET: 'e2e-secret-3',
      DEPLOY_PASSWORD: 'e2e-secret-4',
    };

    const result = await runAgent(
      ['--config', box.configPath, 'fix #1 in demo'],
      {
        ...secrets,
        ANTHROPIC_BASE_URL: llm.baseUrl,
        AGENTSMITH_WORKDIR: box.workdir,
        DUMP_DIR: dumps,
      },
      box.root,
    );

    const commandEnv = llm.toolResults(2)[1]?.content ?? '';
    const testEnv = await readFile(join(dumps, 'test-env.txt'), 'utf8');
    await rm(dumps, { recursive: true, force: true });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(commandEnv).toContain(`DUMP_DIR=${dumps}`);
    expect(testEnv).toContain(`DUMP_DIR=${dumps}`);
    for (const [name, value] of Object.entries(secrets)) {
      expect(commandEnv).not.toContain(name);
      expect(commandEnv).not.toContain(value);
      expect(testEnv).not.toContain(name);
      expect(testEnv).not.toContain(value);
    }
    llm.assertDone();
  });

  it('prints the plan of a dry run without credentials, listing them as warnings', async () => {
    await configure();

    const result = await runAgent(
      ['--dry-run', '--config', box.configPath, 'fix #1 in demo'],
      {},
      box.root,
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Project:  demo');
    expect(result.stdout).toContain('Ticket:   #1');
    expect(result.stdout).toContain('7. CommitAndPRCommand - Creating pull request');
    expect(result.stdout).toContain('ANTHROPIC_API_KEY is not set');
    expect(llm.requests).toEqual([]);
  });

  it('reads the configuration a spawner set as text in AGENTSMITH_CONFIG_TEXT, before any file', async () => {
    await configure();
    const text = await readFile(box.configPath, 'utf8');

    const result = await runAgent(
      ['--dry-run', 'fix #1 in demo'],
      { AGENTSMITH_CONFIG_TEXT: text, AGENTSMITH_CONFIG: join(box.root, 'missing.yml') },
      box.root,
    );
    const broken = await runAgent(
      ['--dry-run', 'fix #1 in demo'],
      { AGENTSMITH_CONFIG_TEXT: 'projects: [' },
      box.root,
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Project:  demo');
    expect(broken.exitCode).toBe(2);
    expect(broken.stdout).toContain('Invalid configuration $AGENTSMITH_CONFIG_TEXT');
  });

  it('validates the configuration: every problem at once, exit 2', async () => {
    await box.writeConfig(
      [
        'projects:',
        '  demo:',
        '    source: { type: svn }',
        '    tickets: { type: local }',
        '    pipeline: nope',
      ].join('\n'),
    );

    const invalid = await runAgent(
      ['config', 'validate', '--config', box.configPath],
      {},
      box.root,
    );
    await configure();
    const valid = await runAgent(
      ['config', 'validate'],
      { AGENTSMITH_CONFIG: box.configPath },
      box.root,
    );

    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('projects.demo.pipeline: unknown pipeline "nope"');
    expect(invalid.stderr).toContain('projects.demo.source');
    expect(invalid.stderr).toContain('projects.demo.tickets.path');
    expect(valid.exitCode).toBe(0);
    expect(valid.stdout).toContain('is valid: 1 project(s) (demo)');
  });

  it('names an unknown agent type and an unknown command, each with its value, and exits 2', async () => {
    await box.writeConfig(
      [
        'projects:',
        '  demo:',
        '    source: { type: local, path: ./repo }',
        '    tickets: { type: jira, url: https://acme.atlassian.net, project: PROJ }',
        '    agent: { type: clippy, model: m }',
        '    pipeline: quick',
        'pipelines:',
        '  quick:',
        '    commands: [FetchTicketCommand, FooCommand]',
      ].join('\n'),
    );

    const result = await runAgent(['config', 'validate', '--config', box.configPath], {}, box.root);

    expect(result.exitCode).toBe(2);
    const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}- projects\.demo\.agent\.type: .*\(found "clippy"\)$/),
      expect.stringMatching(/^ {2}- pipelines\.quick\.commands\.1: Unknown command "FooCommand"\./),
    ]);
  });
});
