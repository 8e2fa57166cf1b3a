import type { FailingTest, TestRun } from '../pipeline/run-ports.js';

const TAIL_LINES = 40;
const TAIL_CHARACTERS = 4000;
const SECTION_CHARACTERS = 2500;
const MAX_SECTIONS = 8;

/** How a test run after the change compares with the run before it. */
export interface TestComparison {
  /** No test fails that did not fail before (by name, or by exit status when names are unknown). */
  acceptable: boolean;
  /** Failing now and not before (names known). */
  newFailures: FailingTest[];
  /** Failing now and before. */
  stillFailing: string[];
  /** Failing before, passing now. */
  fixed: string[];
  /** True when neither run named its failures and the verdict comes from exit status and output. */
  byExitStatus: boolean;
}

/**
 * Compares the run after the change with the baseline. With failures named on both sides, only
 * tests failing now and not before count. When neither run names its failures (no parser for the
 * tool), the exit statuses decide, checked against the output: a run failing with the baseline's
 * exit code and the same output (timings aside) is the old failure and is accepted; a failure
 * after a passing baseline, or one that reads differently, is not. Without a baseline, any
 * failure counts.
 */
export function compareWithBaseline(baseline: TestRun | undefined, after: TestRun): TestComparison {
  if (after.passed) {
    const fixed = (baseline?.failures ?? []).map((failure) => failure.name);
    return { acceptable: true, newFailures: [], stillFailing: [], fixed, byExitStatus: false };
  }
  const before = new Set((baseline?.failures ?? []).map((failure) => failure.name));
  const namesKnown = after.failures.length > 0 && (baseline?.failures.length ?? 0) > 0;
  const baselineFailedUnnamed = baseline !== undefined && !baseline.passed && before.size === 0;
  if (after.failures.length > 0 && (namesKnown || baseline?.passed === true)) {
    const newFailures = after.failures.filter((failure) => !before.has(failure.name));
    const still = after.failures.filter((failure) => before.has(failure.name));
    const now = new Set(after.failures.map((failure) => failure.name));
    return {
      acceptable: newFailures.length === 0 && !after.timedOut,
      newFailures,
      stillFailing: still.map((failure) => failure.name),
      fixed: [...before].filter((name) => !now.has(name)),
      byExitStatus: false,
    };
  }
  // Without names, an unchanged failure (same exit code, same output apart from timings) is the
  // old one; a failure that reads differently may be new, so it is not accepted.
  const acceptable =
    baselineFailedUnnamed &&
    !after.timedOut &&
    baseline.exitCode === after.exitCode &&
    failureFingerprint(baseline.output) === failureFingerprint(after.output);
  return {
    acceptable,
    newFailures: acceptable ? [] : after.failures.filter((failure) => !before.has(failure.name)),
    stillFailing: [...before],
    fixed: [],
    byExitStatus: true,
  };
}

/** The output's tail without what changes from run to run (durations, clock times, temp paths). */
export function failureFingerprint(output: string): string {
  return outputTail(output)
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|secs|seconds|m|min)\b/g, '#')
    .replace(/\b\d{1,2}:\d{2}:\d{2}(\.\d+)?\b/g, '#')
    .replace(/0x[0-9a-f]+/gi, '#')
    .replace(/\/tmp\/\S+/g, '#')
    .replace(/[ \t]+/g, ' ');
}

/** One sentence on the baseline, for the loop's prompt and the progress details. */
export function describeBaseline(command: string, baseline: TestRun): string {
  if (baseline.passed) return `Before any change, \`${command}\` passed.`;
  if (baseline.timedOut) return `Before any change, \`${command}\` timed out.`;
  const names = baseline.failures.map((failure) => failure.name);
  if (names.length === 0) {
    return `Before any change, \`${command}\` already failed (exit code ${baseline.exitCode ?? 'none'}); judge your change by the tests it concerns.`;
  }
  const shown = names.slice(0, 10).join(', ');
  const more = names.length > 10 ? ` and ${names.length - 10} more` : '';
  return `Before any change, these tests already failed: ${shown}${more}. They are not yours to fix unless the ticket is about them.`;
}

/**
 * The test report for the model (finish gate, repair rounds): verdict, new failures with their
 * sections, tests that already failed before. Falls back to the output's tail when the runner
 * named no failures.
 */
export function renderComparison(
  command: string,
  after: TestRun,
  comparison: TestComparison,
): string {
  const lines = [`$ ${command}`];
  if (after.passed) {
    lines.push('Tests pass.');
    if (comparison.fixed.length > 0)
      lines.push(`Fixed by the change: ${comparison.fixed.join(', ')}`);
    return lines.join('\n');
  }
  const status = after.timedOut ? 'timed out' : `exit code ${after.exitCode ?? 'none'}`;
  if (comparison.acceptable) {
    lines.push(
      `Tests fail (${status}), but only as they did before the change${comparison.byExitStatus ? ' (same exit status and output: the runner names no tests)' : ''}.`,
    );
  } else {
    lines.push(`Tests fail (${status}) where they did not before the change.`);
  }
  if (comparison.stillFailing.length > 0) {
    lines.push(`Already failing before the change: ${comparison.stillFailing.join(', ')}`);
  }
  if (comparison.newFailures.length > 0) {
    lines.push(`New failures: ${comparison.newFailures.map((failure) => failure.name).join(', ')}`);
    for (const failure of comparison.newFailures.slice(0, MAX_SECTIONS)) {
      lines.push(
        '',
        `--- ${failure.name}: ${failure.message}`,
        clip(failure.section, SECTION_CHARACTERS),
      );
    }
    if (comparison.newFailures.length > MAX_SECTIONS) {
      lines.push(`[... ${comparison.newFailures.length - MAX_SECTIONS} more failing tests]`);
    }
  } else if (!comparison.acceptable || after.failures.length === 0) {
    lines.push('Output (tail):', outputTail(after.output));
  }
  return lines.join('\n');
}

/** The last lines of a test run's output, bounded in characters. */
export function outputTail(output: string): string {
  const lines = output.trimEnd().split('\n');
  const tail = lines.slice(-TAIL_LINES).join('\n');
  return tail.length > TAIL_CHARACTERS ? tail.slice(-TAIL_CHARACTERS) : tail;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text.trimEnd() : `${text.slice(0, max).trimEnd()}\n[... cut]`;
}
