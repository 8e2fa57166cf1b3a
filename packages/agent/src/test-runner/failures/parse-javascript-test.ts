import { failingTest, stripAnsi, type FailingTest } from './failing-test.js';

const VITEST_FAIL = /^\s*FAIL\s+(\S+\.[cm]?[jt]sx?)\s+>\s+(.+?)(?:\s+\d+m?s)?$/;
const JEST_BULLET = /^\s*● (.+)$/;

/**
 * Failures from vitest's output: the detailed `FAIL  src/sum.test.ts > sum > adds` headers, each
 * followed by the error (`AssertionError: expected -1 to be 5`) up to the next separator.
 */
export function parseVitest(output: string): FailingTest[] {
  const lines = stripAnsi(output).split('\n');
  const failures = new Map<string, FailingTest>();
  for (let index = 0; index < lines.length; index += 1) {
    const match = VITEST_FAIL.exec(lines[index] ?? '');
    if (!match) continue;
    const name = `${match[1] ?? ''} > ${(match[2] ?? '').trim()}`;
    const body = until(
      lines,
      index + 1,
      (line) => VITEST_FAIL.test(line) || /^\s*⎯{3,}/.test(line),
    );
    const message = body.find((line) => /^\s*\w*(Error|Exception)\b.*:/.test(line));
    if (!failures.has(name) || body.some((line) => line.trim() !== '')) {
      failures.set(
        name,
        failingTest(name, message ?? body.find((l) => l.trim()) ?? 'failed', body.join('\n')),
      );
    }
  }
  return [...failures.values()];
}

/**
 * Failures from jest's output: each `● sum › adds two numbers` block up to the next bullet or
 * the summary; the first line of the block is the assertion (`expect(received).toBe(expected)`).
 */
export function parseJest(output: string): FailingTest[] {
  const lines = stripAnsi(output).split('\n');
  const failures: FailingTest[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const match = JEST_BULLET.exec(lines[index] ?? '');
    if (!match || (match[1] ?? '').startsWith('Console')) continue;
    const body = until(
      lines,
      index + 1,
      (line) => JEST_BULLET.test(line) || /^(Test Suites|Tests):/.test(line),
    );
    const message = body.find((line) => line.trim() !== '') ?? 'failed';
    failures.push(failingTest((match[1] ?? '').trim(), message, body.join('\n')));
  }
  return failures;
}

function until(lines: string[], start: number, stop: (line: string) => boolean): string[] {
  const body: string[] = [];
  for (let index = start; index < lines.length && !stop(lines[index] ?? ''); index += 1) {
    body.push(lines[index] ?? '');
  }
  return body;
}
