// `npm run test:chaos`: the chaos suite (packages/*/test/chaos) on its own Compose stack. Prints
// the figures the suite recorded (lost, duplicated, out of order, report latency) and, last, the
// line CI reads: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { printSummary } from './vitest-summary.mjs';

const report = 'test-results/chaos.json';
const figuresFile = 'test-results/chaos-figures.jsonl';
mkdirSync('test-results', { recursive: true });
rmSync(figuresFile, { force: true });
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--project',
    'chaos',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

const figures = existsSync(figuresFile)
  ? readFileSync(figuresFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
const sum = (key) => figures.reduce((total, job) => total + (job[key] ?? 0), 0);
const latencies = figures
  .map((job) => job.reportLatencyMs)
  .filter((value) => typeof value === 'number');
console.log('\nchaos figures (per job):');
for (const job of figures)
  console.log(
    `  ${job.scenario.padEnd(22)} job ${job.jobId}: lost ${job.lost}, duplicated ${job.duplicated}, out of order ${job.outOfOrder}, final cards ${job.finalCards}${job.reportLatencyMs === undefined ? '' : `, reported after ${(job.reportLatencyMs / 1000).toFixed(1)} s`}`,
  );
console.log(
  `chaos: ${figures.length} jobs; lost ${sum('lost')}, duplicated ${sum('duplicated')}, out of order ${sum('outOfOrder')}; report latency ${latencies.length ? `max ${(Math.max(...latencies) / 1000).toFixed(1)} s over ${latencies.length} deaths` : 'no deaths measured'}`,
);

const failed = printSummary(report, run.status);
process.exit(failed === 0 ? 0 : 1);
