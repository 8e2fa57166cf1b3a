import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProjectEnvironment } from './project-environment.js';

const exec = promisify(execFile);
let dir: string;
const signal = new AbortController().signal;
const env = { PATH: process.env['PATH'], HOME: '/nonexistent' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'build-output-exclude-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('test-runner/build-output-exclude (real git)', () => {
  it('keeps build output out of the commit through .git/info/exclude ', async () => {
    await exec('git', ['init', '-q', dir]);
    await writeFile(join(dir, 'Cargo.toml'), '[package]\nname = "x"\n');
    const environment = createProjectEnvironment({
      setup: ['mkdir -p target/debug node_modules/x && touch target/debug/x node_modules/x/i.js'],
      timeoutMs: 10_000,
      env,
    });

    await environment.prepare(dir, { signal, onDetail: () => undefined });
    await environment.prepare(dir, { signal, onDetail: () => undefined });
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/lib.rs'), '');
    const status = await exec('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: dir,
    });
    const exclude = await readFile(join(dir, '.git/info/exclude'), 'utf8');

    expect(status.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '?? Cargo.toml',
      '?? src/lib.rs',
    ]);
    expect(exclude.match(/agentsmith: build output/g)).toHaveLength(1);
  });
});
