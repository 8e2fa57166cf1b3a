// The agent images and the ecosystems they serve: the size of both images beside their base, and
// for each ecosystem sample (packages/testkit ecosystem-samples.ts, with its seeded bug) the time
// of the detected setup (real installs from the registries) and of one test run, in the image.
// Builds the images first (cached layers). Figures only; nothing here passes or fails on time.
import {
  buildImages,
  builtImage,
  ECOSYSTEM_SAMPLES,
  imageSize,
  runSample,
} from '../scripts/ecosystem-sample-runs.mjs';

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;

buildImages();
const base = imageSize('node:22-bookworm-slim');
for (const image of ['node:22-bookworm-slim', 'agentsmith:latest', 'agentsmith:polyglot']) {
  const size = imageSize(builtImage(image));
  const added =
    image === 'node:22-bookworm-slim' ? 'base' : `+${megabytes(size - base)} over the base`;
  console.log(`image ${image}: ${megabytes(size)} (${added})`);
}
for (const sample of ECOSYSTEM_SAMPLES) {
  const run = await runSample(sample);
  const setup = run.plan.setup.join(' && ') || '(none)';
  console.log(
    `${sample.name} in ${sample.image}: setup ${(run.setupMs / 1000).toFixed(1)} s (${setup}), test ${(run.testMs / 1000).toFixed(1)} s (${run.plan.test}, the seeded bug fails 2 of 3)`,
  );
  run.cleanup();
}
