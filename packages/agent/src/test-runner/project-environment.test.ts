import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProjectEnvironment, planEnvironment } from './project-environment.js';

let dir: string;
const signal = new AbortController().signal;
const env = { PATH: process.env['PATH'], HOME: '/nonexistent', GITHUB_TOKEN: 'ghp_secret' };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'project-environment-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(): { details: string[]; onDetail: (text: string) => void } {
  const details: string[] = [];
  return { details, onDetail: (text) => details.push(text) };
}

describe('test-runner/project-environment', () => {
  it('plans configured commands over detected ones and says why', async () => {
    await writeFile(join(dir, 'go.mod'), 'module x\n');
    await writeFile(join(dir, 'go.sum'), '');

    expect(await planEnvironment(dir, {})).toEqual({
      setup: ['go mod download'],
      test: 'go test ./...',
      reason: 'detected go: go.mod',
      tool: 'go',
    });
    expect(await planEnvironment(dir, { setup: ['make deps'] })).toMatchObject({
      setup: ['make deps'],
      test: 'go test ./...',
      reason: 'environment.setup in agentsmith.yml; detected go: go.mod',
    });
    expect(await planEnvironment(dir, { setup: [], test: 'make check' })).toMatchObject({
      setup: [],
      test: 'make check',
      reason: 'environment.setup and environment.test in agentsmith.yml',
    });
    await rm(join(dir, 'go.mod'));
    expect(await planEnvironment(dir, {})).toMatchObject({
      setup: [],
      test: null,
      reason: 'no test framework detected',
    });
  });

  it('runs the setup commands in order with environment.env and without credentials', async () => {
    const environment = createProjectEnvironment({
      setup: ['echo "$GREETING ${GITHUB_TOKEN:-no-token}" > setup.txt', 'echo second >> setup.txt'],
      test: 'true',
      variables: { GREETING: 'hello' },
      timeoutMs: 10_000,
      env,
    });
    const { details, onDetail } = collect();

    const result = await environment.prepare(dir, { signal, onDetail });

    expect(result.kind).toEqual('ready');
    expect(await readFile(join(dir, 'setup.txt'), 'utf8')).toEqual('hello no-token\nsecond\n');
    expect(details).toEqual([
      'Tests: true (environment.setup and environment.test in agentsmith.yml)',
      'Setup: echo "$GREETING ${GITHUB_TOKEN:-no-token}" > setup.txt',
      'Setup: echo second >> setup.txt',
    ]);
  });

  it('stops at the first failing command with its output', async () => {
    const environment = createProjectEnvironment({
      setup: [
        'echo installing; echo "No matching distribution found for nope" >&2; exit 1',
        'touch never',
      ],
      timeoutMs: 10_000,
      env,
    });

    const result = await environment.prepare(dir, { signal, onDetail: () => undefined });

    expect(result).toMatchObject({
      kind: 'failed',
      command: 'echo installing; echo "No matching distribution found for nope" >&2; exit 1',
      exitCode: 1,
      timedOut: false,
    });
    expect(result.kind === 'failed' && result.output).toContain('No matching distribution found');
    await expect(readFile(join(dir, 'never'))).rejects.toThrow();
  });
});
