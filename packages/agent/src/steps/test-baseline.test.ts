import { describe, expect, it } from 'vitest';
import type { TestRun } from '../pipeline/run-ports.js';
import { compareWithBaseline, describeBaseline, failureFingerprint } from './test-baseline.js';

const run = (
  passed: boolean,
  failures: string[] = [],
  output = 'out',
  exitCode = passed ? 0 : 1,
): TestRun => ({
  passed,
  exitCode,
  timedOut: false,
  output,
  failures: failures.map((name) => ({ name, message: 'm', section: 's' })),
});

describe('steps/test-baseline', () => {
  it('counts only failures that are new by name', () => {
    const result = compareWithBaseline(run(false, ['a', 'b']), run(false, ['b', 'c']));
    expect(result).toMatchObject({
      acceptable: false,
      stillFailing: ['b'],
      fixed: ['a'],
      byExitStatus: false,
    });
    expect(result.newFailures.map((failure) => failure.name)).toEqual(['c']);
    expect(compareWithBaseline(run(false, ['a', 'b']), run(false, ['a'])).acceptable).toBe(true);
  });

  it('treats every named failure as new after a passing baseline, or without a baseline', () => {
    expect(compareWithBaseline(run(true), run(false, ['x'])).acceptable).toBe(false);
    expect(compareWithBaseline(undefined, run(false)).acceptable).toBe(false);
    expect(compareWithBaseline(undefined, run(true)).acceptable).toBe(true);
  });

  it('falls back to exit status and output when neither run names its failures', () => {
    const before = run(false, [], 'FAIL sum(2, 2) = 5 (12 ms)\n', 1);
    expect(
      compareWithBaseline(before, run(false, [], 'FAIL sum(2, 2) = 5 (31 ms)\n', 1)),
    ).toMatchObject({
      acceptable: true,
      byExitStatus: true,
    });
    expect(
      compareWithBaseline(before, run(false, [], 'FAIL sum(2, 2) = 6 (31 ms)\n', 1)).acceptable,
    ).toBe(false);
    expect(
      compareWithBaseline(before, run(false, [], 'FAIL sum(2, 2) = 5 (12 ms)\n', 2)).acceptable,
    ).toBe(false);
    expect(compareWithBaseline(run(true), run(false)).acceptable).toBe(false);
  });

  it('ignores durations, clock times and temporary paths in the fingerprint', () => {
    expect(failureFingerprint('at 12:01:02 in /tmp/x1/a.js took 1.5s 0xdeadbeef')).toEqual(
      failureFingerprint('at 13:44:59 in /tmp/y2/a.js took 0.2s 0xfeedface'),
    );
  });

  it('describes the baseline for the prompt', () => {
    expect(describeBaseline('pytest', run(true))).toEqual('Before any change, `pytest` passed.');
    expect(describeBaseline('pytest', run(false, ['t1']))).toEqual(
      'Before any change, these tests already failed: t1. They are not yours to fix unless the ticket is about them.',
    );
    expect(describeBaseline('make', run(false))).toMatch(/already failed \(exit code 1\)/);
  });
});
