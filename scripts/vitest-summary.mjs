// The one summary line CI reads, "N passed, N failed", from vitest's JSON report: shared by
// `npm test` (run-tests.mjs) and `npm run test:chaos` (run-chaos.mjs).
import { readFileSync } from 'node:fs';

/**
 * Prints the line for `report` (a file vitest wrote with `--reporter=json`) and returns the
 * number of failures; a run that exited non-zero without a failed test counts as one failure.
 */
export function printSummary(report, exitStatus) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed = result.numPassedTests;
    failed = result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
    skipped = result.numPendingTests + result.numTodoTests;
    for (const file of result.testResults) {
      if (file.status === 'failed' && file.assertionResults.length === 0) failed += 1;
    }
  } catch (error) {
    console.error(`could not read ${report}: ${error.message}`);
    failed += 1;
  }
  if (exitStatus !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed;
}
