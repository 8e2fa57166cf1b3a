import type { FailingTest } from './failing-test.js';

/**
 * The short name people know a test by: `test_add` for `tests/test_calc.py::test_add`, `adds`
 * for `src/sum.test.ts > sum > adds`, the rest as the runner names it.
 */
export function shortTestName(name: string): string {
  if (name.includes(' > ')) return name.split(' > ').pop() ?? name;
  if (/\.py::/.test(name)) return name.split('::').pop() ?? name;
  if (name.includes(' › ')) return name.split(' › ').pop() ?? name;
  return name;
}

/** For the thread: `3 failing: test_add, test_sub, test_mul` (at most `shown` names, then …). */
export function failureSummary(failures: readonly FailingTest[], shown = 3): string {
  const names = failures.slice(0, shown).map((failure) => shortTestName(failure.name));
  const more = failures.length > shown ? ', …' : '';
  return `${failures.length} failing: ${names.join(', ')}${more}`;
}

/** For the model: each failing test with its message and its part of the output. */
export function failureReport(failures: readonly FailingTest[], maxCharacters = 12_000): string {
  const blocks: string[] = [];
  let length = 0;
  for (const [index, failure] of failures.entries()) {
    const block = [
      `### ${failure.name}`,
      failure.message,
      ...(failure.section ? ['```', failure.section, '```'] : []),
    ].join('\n');
    if (length + block.length > maxCharacters) {
      blocks.push(`(${failures.length - index} more failing tests not shown)`);
      break;
    }
    blocks.push(block);
    length += block.length;
  }
  return blocks.join('\n\n');
}
