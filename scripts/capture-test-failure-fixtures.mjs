// Regenerates packages/agent/src/test-runner/failures/__fixtures__ from real runs: each ecosystem
// sample (with its seeded bug) installed and tested in the real agent image, the test output and
// Maven's Surefire report saved as the parser tests' input. Run after `npm run build`:
//   node scripts/capture-test-failure-fixtures.mjs
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImages, ECOSYSTEM_SAMPLES, runSample } from './ecosystem-sample-runs.mjs';

const fixtures = new URL(
  '../packages/agent/src/test-runner/failures/__fixtures__/',
  import.meta.url,
).pathname;
const only = process.argv.slice(2);

buildImages();
for (const sample of ECOSYSTEM_SAMPLES.filter(
  (entry) => only.length === 0 || only.includes(entry.name),
)) {
  const run = await runSample(sample);
  writeFileSync(join(fixtures, `${sample.name}.txt`), run.testOutput);
  const reports = join(run.directory, 'target/surefire-reports');
  const xmlReports =
    sample.name === 'maven' ? readdirSync(reports).filter((name) => name.endsWith('.xml')) : [];
  for (const name of xmlReports)
    copyFileSync(join(reports, name), join(fixtures, `${sample.name}-${name}`));
  console.log(`${sample.name}: ${run.plan.test} → ${sample.name}.txt`);
  run.cleanup();
}
