// Runs every benchmark in bench/*.bench.mjs (after `npm run build`) and prints its figures.
// Benchmarks report numbers; they never pass or fail on timing.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const files = readdirSync('bench')
  .filter((name) => name.endsWith('.bench.mjs'))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', `bench/${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
