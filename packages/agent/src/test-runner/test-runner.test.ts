import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestRunner, outputTail } from './test-runner.js';

let dir: string;
const signal = new AbortController().signal;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'test-runner-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('test-runner/test-runner', () => {
  it('takes the configured command over detection', async () => {
    await writeFile(join(dir, 'go.mod'), 'module x\n');

    expect(
      await createTestRunner({ command: 'make check', timeoutMs: 1000, env: {} }).detect(dir),
    ).toEqual('make check');
    expect(await createTestRunner({ timeoutMs: 1000, env: {} }).detect(dir)).toEqual(
      'go test ./...',
    );
  });

  it('reports passing and failing runs with their output, without our secrets in the environment', async () => {
    const runner = createTestRunner({
      timeoutMs: 10_000,
      env: { PATH: process.env['PATH'], GITHUB_TOKEN: 'secret-token', HOME: dir },
    });

    const passing = await runner.run(dir, 'echo "token=${GITHUB_TOKEN:-none} ci=$CI"', { signal });
    const failing = await runner.run(dir, 'echo one; echo two >&2; exit 3', { signal });

    expect(passing).toEqual({
      passed: true,
      exitCode: 0,
      timedOut: false,
      output: 'token=none ci=true\n',
      failures: [],
    });
    expect(failing).toMatchObject({ passed: false, exitCode: 3, timedOut: false });
    expect(failing.output).toContain('one');
    expect(failing.output).toContain('two');
  });

  it('kills a hanging test run at the timeout and says so', async () => {
    const runner = createTestRunner({ timeoutMs: 300, env: { PATH: process.env['PATH'] } });

    const result = await runner.run(dir, 'echo started; sleep 30', { signal });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.output).toContain('started');
    expect(result.output).toContain('[test run killed after 300 ms]');
  });

  it('keeps the tail of long output', () => {
    const output = Array.from({ length: 100 }, (_, index) => `line ${index}`).join('\n');

    expect(outputTail(output, 3)).toEqual('line 97\nline 98\nline 99');
    expect(outputTail('x'.repeat(10), 5, 4)).toEqual('xxxx');
  });
});
