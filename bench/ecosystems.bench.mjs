// Row 8 and the ecosystems: the size of both agent images beside their base (the lean image is
// the row), and, with BENCH_ECOSYSTEMS=1, for each ecosystem sample (packages/testkit
// ecosystem-samples.ts, with its seeded bug) the time of the detected setup (real installs from the
// registries) and of one test run, in the image. Builds the images first in the first round (cached
// layers). Figures only; nothing here passes or fails on time.
import {
  buildImages,
  builtImage,
  ECOSYSTEM_SAMPLES,
  imageSize,
  runSample,
} from '../scripts/ecosystem-sample-runs.mjs';
import { recordRow } from './lib/results.mjs';

const BASE = 'node:22-bookworm-slim';
const MB = 1e6;

if (Number(process.env.BENCH_ROUND ?? 1) === 1) buildImages();
const base = imageSize(BASE) / MB;
const lean = imageSize(builtImage('agentsmith:latest')) / MB;
const polyglot = imageSize(builtImage('agentsmith:polyglot')) / MB;
recordRow({
  row: 8,
  measure: 'Image size, lean agent image (agentsmith:latest)',
  statistic: 'size',
  unit: 'MB',
  value: lean,
  floor: base,
  floorLabel: `the base image ${BASE}`,
  target: 'lean image ≤ 1.5× base',
  met: lean <= 1.5 * base,
  why: 'the agent image adds python3 and make (for node-gyp), pnpm and yarn (corepack) and the agent workspace with its production dependencies, and git where the base lacks it (deploy/Dockerfile.agent)',
  samples: {},
  details: [
    `polyglot image (agentsmith:polyglot, every ecosystem's toolchain): ${polyglot.toFixed(0)} MB`,
  ],
});
if (process.env.BENCH_ECOSYSTEMS === '1') {
  for (const sample of ECOSYSTEM_SAMPLES) {
    const run = await runSample(sample);
    const setup = run.plan.setup.join(' && ') || '(none)';
    console.log(
      `${sample.name} in ${sample.image}: setup ${(run.setupMs / 1000).toFixed(1)} s (${setup}), test ${(run.testMs / 1000).toFixed(1)} s (${run.plan.test}, the seeded bug fails 2 of 3)`,
    );
    run.cleanup();
  }
}
