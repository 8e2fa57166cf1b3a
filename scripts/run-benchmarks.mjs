// `npm run bench`: runs every benchmark in bench/*.bench.mjs (after `npm run build`) in two
// rounds, then writes docs/benchmarks.md and its charts (docs/benchmarks/*.svg). Benchmarks report
// numbers; they never pass or fail on timing. BENCH_ROUNDS=1 runs one round and
// BENCH_ONLY=relay,code-map some benches (a quick look; the report then has only those rows).
// The raw figures go to docs/benchmarks/results.json; `--report-only` rewrites the page from them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describeMachine, writeBenchmarkReport } from '../bench/lib/report.mjs';

// The image build comes first: the later benches start containers of that image.
const FIRST = ['ecosystems.bench.mjs'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const RESULTS = 'docs/benchmarks/results.json';

if (process.argv.includes('--report-only')) {
  writeBenchmarkReport(JSON.parse(readFileSync(RESULTS, 'utf8')));
  console.log('Rewrote docs/benchmarks.md and docs/benchmarks/*.svg from', RESULTS);
  process.exit(0);
}

const only = process.env.BENCH_ONLY?.split(',').map((name) => `${name.trim()}.bench.mjs`);
const files = readdirSync('bench')
  .filter((name) => name.endsWith('.bench.mjs') && (!only || only.includes(name)))
  .sort((a, b) => Number(!FIRST.includes(a)) - Number(!FIRST.includes(b)) || a.localeCompare(b));
const work = mkdtempSync(join(tmpdir(), 'agentsmith-bench-results-'));
const machineBefore = describeMachine();
const started = performance.now();
const rounds = [];
const failures = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  const resultFile = join(work, `round-${round}.jsonl`);
  const seconds = {};
  for (const file of files) {
    console.log(`\n== round ${round}: ${file}`);
    const benchStarted = performance.now();
    const run = spawnSync(process.execPath, ['--expose-gc', `bench/${file}`], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_ROUND: String(round), BENCH_RESULT_FILE: resultFile },
    });
    seconds[file] = (performance.now() - benchStarted) / 1000;
    if (run.status !== 0) failures.push(`round ${round}: ${file} exited with ${run.status}`);
  }
  let rows = [];
  try {
    rows = readFileSync(resultFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    failures.push(`round ${round}: no results were written`);
  }
  rounds.push({ rows, seconds });
}
const totalSeconds = (performance.now() - started) / 1000;
const results = {
  rounds,
  failures,
  totalSeconds,
  machine: { before: machineBefore, after: describeMachine() },
  takenAt: new Date().toISOString(),
};
writeBenchmarkReport(results);
writeFileSync(RESULTS, `${JSON.stringify(results)}\n`);
rmSync(work, { recursive: true, force: true });
console.log(
  `\nWrote docs/benchmarks.md and docs/benchmarks/*.svg in ${(totalSeconds / 60).toFixed(1)} min`,
);
for (const failure of failures) console.error(`FAILED: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
