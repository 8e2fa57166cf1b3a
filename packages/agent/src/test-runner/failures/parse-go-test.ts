import { failingTest, type FailingTest } from './failing-test.js';

const FAIL_LINE = /^(\s*)--- FAIL: (\S+) \([\d.]+s\)$/;

/**
 * Failures from `go test` output: each `--- FAIL: TestAdd (0.00s)` line and the indented log
 * lines under it (`calc_test.go:8: Add(2, 3) = -1, want 5`). A parent that failed only because a
 * subtest did is left out when it logged nothing itself.
 */
export function parseGoTest(output: string): FailingTest[] {
  const lines = output.split('\n');
  const failures: FailingTest[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const match = FAIL_LINE.exec(lines[index] ?? '');
    if (!match) continue;
    const [, indent = '', name = ''] = match;
    const body: string[] = [];
    for (let next = index + 1; next < lines.length; next += 1) {
      const line = lines[next] ?? '';
      const deeper = line.startsWith(`${indent}    `) && !FAIL_LINE.test(line);
      if (!deeper) break;
      body.push(line.slice(indent.length + 4));
    }
    const logged = body.filter((line) => !/^=== (RUN|PAUSE|CONT)/.test(line));
    const hasSubtestFailure = lines
      .slice(index + 1)
      .some((line) => line.trimStart().startsWith(`--- FAIL: ${name}/`));
    if (logged.length === 0 && hasSubtestFailure) continue;
    const message = logged.find((line) => line.trim() !== '') ?? 'failed';
    failures.push(failingTest(name, message.replace(/^\s*\S+\.go:\d+: /, ''), logged.join('\n')));
  }
  // With -v a subtest's failure line comes before its parent's; keep the output's order of names.
  return failures;
}
