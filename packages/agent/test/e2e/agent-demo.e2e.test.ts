import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { git } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from './agent-cli.js';

/**
 * `agentsmith demo` as a newcomer runs it: no configuration, no API key, no network for the model.
 * The demo creates its own sample repository under the temporary folder (TMPDIR here) and must
 * end with ticket #1 fixed on branch fix/1, where the sample's test passes.
 */
describe('agentsmith demo', () => {
  let scratch: string;
  let result: Awaited<ReturnType<typeof runAgent>>;
  let repository: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agentsmith-demo-e2e-'));
    result = await runAgent(['demo'], { TMPDIR: scratch }, scratch);
    repository = /Sample repository: (\S+) /.exec(result.stdout)?.[1] ?? '';
  }, 120_000);
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('ends with the fix on branch fix/1 of a fresh repository and says how to look at it', async () => {
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(repository.startsWith(scratch)).toBe(true);
    expect(await git(repository, 'show', 'fix/1:src/math.js')).toContain('return a + b;');
    expect(await git(repository, 'show', 'main:src/math.js')).toContain('return a - b;');
    expect(await git(repository, 'log', '-1', '--format=%s', 'fix/1')).toMatch(/^fix: .+ \(#1\)$/);
    expect(result.stdout).toContain(`git -C ${repository} log -p fix/1`);
  });

  it("passes the sample's test on fix/1 (checked here, outside the agent)", async () => {
    const checkout = join(scratch, 'checkout');
    await git(scratch, 'clone', '--quiet', '--branch', 'fix/1', repository, checkout);

    const run = await promisify(execFile)(process.execPath, ['--test'], { cwd: checkout });

    expect(run.stdout).toMatch(/# pass 1\n/);
    expect(run.stdout).toMatch(/# fail 0\n/);
  });

  it('says on every screen that it is a replay, and never asks for a key', () => {
    const steps = result.stdout
      .split('\n')
      .filter((line) => /^\[\d\/\d\] (?!completed)/.test(line));
    const details = result.stdout.split('\n').filter((line) => line.startsWith('    '));

    expect(result.stdout).toMatch(/^Agent Smith demo: a REPLAY/);
    expect(steps).toHaveLength(7);
    for (const line of steps) expect(line).toMatch(/\(replay\)$/);
    for (const line of details) expect(line).toMatch(/^ {4}\[replay\] /);
    expect(result.stdout).toContain('Replay of the recorded session');
    expect(result.stdout).toContain('no model was called');
    expect(result.stdout + result.stderr).not.toMatch(/API_KEY/);
  });
});
