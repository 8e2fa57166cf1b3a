// Runs the ecosystem samples of packages/testkit (ecosystem-samples.ts) in the real agent images:
// builds the images (cached layers), writes a sample's repository, writes its lock file, then runs
// the detected setup and test commands as the agent's user. Used by bench/ecosystems.bench.mjs
// (figures) and scripts/capture-test-failure-fixtures.mjs (parser fixtures). Needs `npm run build`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { planEnvironment } from '../packages/agent/dist/test-runner/index.js';

export { ECOSYSTEM_SAMPLES } from '../packages/testkit/dist/index.js';

const root = new URL('..', import.meta.url).pathname;
/** Tag of the lean image the polyglot build starts from, so a concurrent rebuild of :latest cannot interleave. */
export const LEAN_BUILD_TAG = 'agentsmith:ecosystems-build';

/**
 * The tag this checkout's build of an official image has: other checkouts on the same engine may
 * rebuild agentsmith:latest at any time, so the lean image is used under its own tag.
 */
export function builtImage(image) {
  return image === 'agentsmith:latest' ? LEAN_BUILD_TAG : image;
}

/** `docker build` of both official images from this checkout; unchanged layers come from the cache. */
export function buildImages() {
  const build = (args) => {
    const run = spawnSync('docker', ['build', ...args, root], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (run.status !== 0)
      throw new Error(`docker build ${args.join(' ')} failed:\n${run.stderr.slice(-3000)}`);
  };
  build(['-f', 'deploy/Dockerfile.agent', '-t', 'agentsmith:latest', '-t', LEAN_BUILD_TAG]);
  build([
    '-f',
    'deploy/Dockerfile.polyglot',
    '--build-arg',
    `AGENT_IMAGE=${LEAN_BUILD_TAG}`,
    '-t',
    'agentsmith:polyglot',
  ]);
}

/** The image's size in bytes. */
export function imageSize(image) {
  return Number(
    execFileSync('docker', ['image', 'inspect', '--format', '{{.Size}}', image], {
      encoding: 'utf8',
    }).trim(),
  );
}

/** Writes the sample into a fresh folder owned by the agent's user (uid 1000). */
export function writeSample(sample) {
  const directory = mkdtempSync(join(tmpdir(), `agentsmith-sample-${sample.name}-`));
  for (const [path, content] of Object.entries(sample.files)) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  chownTree(directory);
  return directory;
}

function chownTree(directory) {
  chownSync(directory, 1000, 1000);
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) chownTree(path);
    else chownSync(path, 1000, 1000);
  }
}

/** Runs `script` with bash in `image` as the agent's user, the sample folder as working directory. */
export function inImage(image, directory, script) {
  const started = performance.now();
  const run = spawnSync(
    'docker',
    [
      'run',
      '--rm',
      '--user',
      '1000:1000',
      '--entrypoint',
      'bash',
      '-e',
      'CI=true',
      '-v',
      `${directory}:/workspace/sample`,
      '-w',
      '/workspace/sample',
      image,
      '-c',
      // The agent runs a project's commands without its own NODE_ENV=production (docs/agent.md).
      `unset NODE_ENV\n${script}`,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  return {
    exitCode: run.status,
    output: `${run.stdout}${run.stderr}`,
    ms: performance.now() - started,
  };
}

/**
 * Lock file, then setup and test as the agent would run them (commands from the agent's own
 * detection). Returns the timings and outputs; the sample folder is left for the caller.
 */
export async function runSample(sample) {
  const directory = writeSample(sample);
  if (sample.lock) {
    const lock = inImage(builtImage(sample.image), directory, sample.lock);
    if (lock.exitCode !== 0)
      throw new Error(`${sample.name}: ${sample.lock} failed:\n${lock.output.slice(-3000)}`);
  }
  const plan = await planEnvironment(directory, {});
  // One container for setup and test, as in a job: what setup installs in $HOME stays for the tests.
  const marker = '=== agentsmith: test ===';
  const script = [
    'exec 2>&1',
    'start=$(date +%s%N)',
    ...plan.setup.map((command) => `${command} || exit 97`),
    'setup_ms=$((($(date +%s%N)-start)/1000000))',
    `echo "${marker} setup_ms=$setup_ms"`,
    'start=$(date +%s%N)',
    `${plan.test}; code=$?`,
    `echo "${marker} test_ms=$((($(date +%s%N)-start)/1000000)) exit=$code"`,
  ].join('\n');
  const run = inImage(builtImage(sample.image), directory, script);
  const [setupOutput, testOutput = ''] = run.output.split(new RegExp(`${marker} setup_ms=\\d+\\n`));
  const setupMs = Number(/setup_ms=(\d+)/.exec(run.output)?.[1] ?? NaN);
  const testMs = Number(/test_ms=(\d+)/.exec(run.output)?.[1] ?? NaN);
  if (run.exitCode === 97 || Number.isNaN(testMs)) {
    throw new Error(`${sample.name}: setup failed:\n${setupOutput.slice(-3000)}`);
  }
  return {
    directory,
    plan,
    setupMs,
    testMs,
    setupOutput,
    testOutput: testOutput.replace(new RegExp(`^${marker}.*\\n?`, 'm'), ''),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
