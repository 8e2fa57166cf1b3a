import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FakeLlmApi, git } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent } from './agent-cli.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

/**
 * The README's commands, as written there, in a copy of `config/` (the run comments on the local
 * ticket file, which must not touch the checkout).
 */
describe('agent (the README demo)', () => {
  let dir: string;
  let demoRepo: string;
  let llm: FakeLlmApi;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentsmith-readme-'));
    demoRepo = join(dir, 'agentsmith-demo');
    await cp(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
    llm = await FakeLlmApi.start();
  });
  afterEach(async () => {
    await llm.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('dry-runs "fix #1 in demo" with the example configuration and no credentials', async () => {
    const result = await runAgent(
      ['--dry-run', '--config', 'config/agentsmith.example.yml', 'fix #1 in demo'],
      {},
      dir,
    );

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Project:  demo');
    expect(result.stdout).toContain('ANTHROPIC_API_KEY is not set');
  });

  it('fixes ticket #1 of the demo repository the script creates, on branch fix/1', async () => {
    await promisify(execFile)(process.execPath, [
      join(ROOT, 'scripts/create-demo-repo.mjs'),
      demoRepo,
    ]);
    llm.script(
      {
        toolCalls: [
          {
            name: 'edit_file',
            input: { path: 'src/math.js', old_text: 'a - b', new_text: 'a + b' },
          },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'add adds' } }] },
    );

    const result = await runAgent(
      ['--config', 'config/agentsmith.example.yml', 'fix #1 in demo'],
      {
        ANTHROPIC_API_KEY: 'sk-ant-demo',
        ANTHROPIC_BASE_URL: llm.baseUrl,
        AGENTSMITH_DEMO_REPO: demoRepo,
        AGENTSMITH_WORKDIR: join(dir, 'work'),
      },
      dir,
    );

    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Tests pass (npm test)');
    expect(await git(demoRepo, 'show', 'fix/1:src/math.js')).toContain('return a + b;');
    expect(await git(demoRepo, 'log', '-1', '--format=%s', 'fix/1')).toMatch(/^fix: .+ \(#1\)$/);
    expect(await readFile(join(dir, 'config/tickets/1-add-subtracts.md'), 'utf8')).toContain(
      '## Agent Smith - Completed',
    );
    llm.assertDone();
  });
});
