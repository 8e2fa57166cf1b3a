// Runs every vitest project (unit, integration, e2e) against the real Redis and Docker engine
// and ends with the one summary line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const report = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
const projects = (process.env.TEST_PROJECTS ?? 'unit,integration,e2e').split(',');
const args = ['vitest', 'run', ...projects.flatMap((name) => ['--project', name])];
args.push(
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
);
const run = spawnSync('npx', args, { stdio: 'inherit' });

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
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
