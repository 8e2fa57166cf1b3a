// Runs every vitest project (unit, integration, e2e) against the real Redis and Docker engine
// and ends with the one summary line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { printSummary } from './vitest-summary.mjs';

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

const failed = printSummary(report, run.status);
process.exit(failed === 0 ? 0 : 1);
