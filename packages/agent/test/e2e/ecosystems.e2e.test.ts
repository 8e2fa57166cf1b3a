import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  agentArguments,
  agentJobEnvironment,
  jobInStreamKey,
  jobOutStreamKey,
  type BusEntry,
  type JobSpec,
} from '@agentsmith/contracts';
import { newJobId } from '@agentsmith/kit';
import {
  ECOSYSTEM_SAMPLES,
  ecosystemSampleTurns,
  ecosystemWrongFix,
  FakeGithubApi,
  FakeLlmApi,
  git,
  gitTestRepo,
  redisTestContext,
  removeTestContainers,
  requireDocker,
  startGitHttpServer,
  TEST_RUN_LABEL,
  testRunId,
  type EcosystemSample,
  type FakeLlmRequest,
} from '@agentsmith/testkit';
import { outEntries } from './job-stream.js';

/**
 * Issue 13's acceptance, one ecosystem per test: the real agent image (agentsmith:latest for
 * pnpm and yarn, agentsmith:polyglot for Python, Go, Rust and Maven) takes ticket #58 of a small
 * repository with a seeded bug. Setup installs the repository's dependencies for real from PyPI,
 * the Go proxy, crates.io, Maven Central and the npm registry; the baseline test run names the two
 * failing tests (parsed by that ecosystem's failure parser); the scripted model's first fix is off
 * by one, so the finish gate's test run finds a NEW failure and sends it back, named with its
 * section; the model corrects the fix, the gate accepts, and the test step passes. The container runs with the spawner's sandbox (read-only, uid 1000, no
 * capabilities); it uses the host's network only to reach the fakes and Redis on 127.0.0.1.
 *
 * Slow (image builds, real installs): select it alone with
 *   npx vitest run --project e2e packages/agent/test/e2e/ecosystems.e2e.test.ts
 * `docker build` keeps its layer cache between runs, so only changed layers rebuild.
 */
const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
const TOKEN = 'ghp_e2e_ecosystems_0123456789';
const REPO = 'acme/calc';
/** The lean image the polyglot build starts from; a concurrent rebuild of :latest cannot interleave. */
const LEAN_BUILD_TAG = 'agentsmith:ecosystems-build';

async function run(command: string, args: string[], cwd = root): Promise<string> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, maxBuffer: 256 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.slice(0, 6).join(' ')} failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
      {
        cause: error,
      },
    );
  }
}

beforeAll(async () => {
  await requireDocker();
  await run('docker', [
    'build',
    '-f',
    'deploy/Dockerfile.agent',
    '-t',
    'agentsmith:latest',
    '-t',
    LEAN_BUILD_TAG,
    '.',
  ]);
  await run('docker', [
    'build',
    '-f',
    'deploy/Dockerfile.polyglot',
    '--build-arg',
    `AGENT_IMAGE=${LEAN_BUILD_TAG}`,
    '-t',
    'agentsmith:polyglot',
    '.',
  ]);
}, 3_600_000);

afterAll(async () => {
  await removeTestContainers();
});

/** This checkout's build of an official image (others may rebuild agentsmith:latest meanwhile). */
function builtImage(image: EcosystemSample['image']): string {
  return image === 'agentsmith:latest' ? LEAN_BUILD_TAG : image;
}

/** The sample's files plus the lock file its toolchain writes (run in the image, as uid 1000). */
async function sampleWithLockFile(sample: EcosystemSample): Promise<Record<string, string>> {
  if (!sample.lock) return sample.files;
  const directory = await mkdtemp(join(tmpdir(), `agentsmith-lock-${sample.name}-`));
  try {
    for (const [path, content] of Object.entries(sample.files)) {
      await mkdir(dirname(join(directory, path)), { recursive: true });
      await writeFile(join(directory, path), content);
    }
    await chownTree(directory);
    await run('docker', [
      'run',
      '--rm',
      '--label',
      `${TEST_RUN_LABEL}=${testRunId}`,
      '--user',
      '1000:1000',
      '--entrypoint',
      'bash',
      '-v',
      `${directory}:/workspace/sample`,
      '-w',
      '/workspace/sample',
      builtImage(sample.image),
      '-c',
      // As the agent runs a project's commands: without its own NODE_ENV=production.
      `unset NODE_ENV; ${sample.lock}`,
    ]);
    return await readTree(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function chownTree(path: string): Promise<void> {
  await chown(path, 1000, 1000);
  if (!(await stat(path)).isDirectory()) return;
  for (const name of await readdir(path)) await chownTree(join(path, name));
}

async function readTree(directory: string, base = directory): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) Object.assign(files, await readTree(path, base));
    else files[relative(base, path)] = await readFile(path, 'utf8');
  }
  return files;
}

const BASELINE_FAILED = 'Before any change, these tests already failed: ';
const FIXED_BY_CHANGE = 'Fixed by the change: ';

/** The test names of the baseline's progress line, sorted. */
function baselineNames(line: string): string[] {
  const end = line.indexOf('. They are not yours');
  if (!line.startsWith(BASELINE_FAILED) || end < 0) return [];
  return line.slice(BASELINE_FAILED.length, end).split(', ').sort();
}

/** A failing test's section in a test report (`--- name: message` up to the next heading). */
function sectionOf(report: string, name: string): string {
  const start = report.indexOf(`--- ${name}: `);
  if (start < 0) return '';
  const rest = report.slice(start);
  const end = rest.search(/\n(--- |## |\[\.\.\. )/);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n').slice(1).join('\n').trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The detail lines of the thread (the reporter sends several lines per entry). */
function details(entries: BusEntry[]): string[] {
  return entries.flatMap((entry) => (entry.type === 'detail' ? entry.text.split('\n') : []));
}

describe('the agent image sets up, tests and fixes every ecosystem', () => {
  it.each(ECOSYSTEM_SAMPLES.map((sample) => [sample.name, sample] as const))(
    '%s: the baseline names the failing tests, the finish gate catches a new failure, the fix passes',
    async (_name, sample) => {
      const files = await sampleWithLockFile(sample);
      const repo = await gitTestRepo(files);
      const gitServer = await startGitHttpServer({
        repositories: { [`${REPO}.git`]: repo.origin },
        password: TOKEN,
      });
      const github = await new FakeGithubApi({ token: TOKEN }).start();
      github.addRepository(REPO, { defaultBranch: 'main' });
      github.seedIssue(REPO, { number: 58, title: 'add subtracts', body: 'add(2, 3) is -1.' });
      const refusalRequests: FakeLlmRequest[] = [];
      const llm = await FakeLlmApi.start();
      llm.script(...ecosystemSampleTurns(sample, (request) => refusalRequests.push(request)));
      const redis = await redisTestContext();
      const jobId = newJobId();
      redis.track(jobOutStreamKey(jobId), jobInStreamKey(jobId));
      const spec: JobSpec = {
        specificationVersion: PROTOCOL_VERSION,
        jobId,
        intent: { ticketId: '58', project: 'calc' },
        platform: 'slack',
        channelId: 'C1',
        redisUrl: redis.url.replace('redis://', ''),
        maxDurationSeconds: 3600,
        createdAt: Date.now(),
      };
      const configDirectory = await mkdtemp(join(tmpdir(), 'agentsmith-ecosystem-config-'));
      const configPath = join(configDirectory, 'agentsmith.yml');
      await writeFile(
        configPath,
        [
          'projects:',
          '  calc:',
          `    source: { type: github, url: https://github.com/${REPO}.git, api_url: ${github.url} }`,
          `    tickets: { type: github, url: https://github.com/${REPO}, api_url: ${github.url} }`,
          '    agent: { type: claude, model: claude-test, retry: { max_retries: 0 } }',
          // No repair round: the finish gate must catch the wrong fix inside the coding loop.
          '    test: { repair_rounds: 0, timeout: 10m }',
          `    environment: { image: '${sample.image}' }`,
        ].join('\n'),
      );
      try {
        const result = await run('docker', [
          'run',
          '--rm',
          '--label',
          `${TEST_RUN_LABEL}=${testRunId}`,
          '--network',
          'host',
          '--user',
          '1000:1000',
          '--read-only',
          '--cap-drop',
          'ALL',
          '--security-opt',
          'no-new-privileges',
          '--memory',
          '4g',
          '--mount',
          'type=volume,dst=/workspace',
          '--mount',
          'type=volume,dst=/tmp',
          '--tmpfs',
          '/home/node:rw,nosuid,size=256m,uid=1000,gid=1000,mode=0700',
          '-v',
          `${configPath}:/etc/agentsmith/agentsmith.yml:ro`,
          '-e',
          `GITHUB_TOKEN=${TOKEN}`,
          '-e',
          'ANTHROPIC_API_KEY=sk-ant-e2e-key-0123456789',
          '-e',
          `ANTHROPIC_BASE_URL=${llm.baseUrl}`,
          '-e',
          `AGENTSMITH_CLONE_URL=${gitServer.url}/${REPO}.git`,
          '-e',
          'AGENTSMITH_WORKDIR=/workspace',
          ...Object.entries(agentJobEnvironment(spec)).flatMap(([name, value]) => [
            '-e',
            `${name}=${value}`,
          ]),
          builtImage(sample.image),
          '--config',
          '/etc/agentsmith/agentsmith.yml',
          ...agentArguments(spec),
        ]).catch((error: unknown) => String(error));
        const entries = await outEntries(redis, jobId);
        const lines = details(entries);
        const context = `${result}\n---\n${lines.join('\n')}`;

        expect(entries.at(-1)?.type, context).toEqual('done');
        expect(
          lines.find((line) => line.startsWith(`Tests: ${sample.testCommand} (detected `)),
          context,
        ).toBeDefined();
        expect(lines.some((line) => line.startsWith('Setup: '))).toBe(true);

        // The baseline names exactly the two tests the bug fails.
        const baseline = lines.find((line) => line.startsWith(BASELINE_FAILED)) ?? '';
        expect(baselineNames(baseline), context).toEqual([...sample.failing].sort());

        // The first finish is refused: add(0, 0) passed before and fails now, named with its section.
        const wrong = ecosystemWrongFix(sample).trim();
        expect(refusalRequests, context).toHaveLength(1);
        const refusal = refusalRequests[0]?.toolResults.at(-1)?.content ?? '';
        expect(refusal, context).toMatch(/^finish refused \(1 of \d+\): tests fail that passed/);
        expect(refusal, context).toContain(`New failures: ${sample.passing}\n`);
        const section = sectionOf(refusal, sample.passing);
        expect(section, refusal).toContain(sample.offByOneReport);
        for (const name of sample.failing) expect(refusal, refusal).toContain(name);
        expect(refusal, refusal).toMatch(new RegExp(`^\\+.*${escape(wrong)}`, 'm'));

        // Both edits went through the real tool; the second finish was accepted.
        expect(lines.filter((line) => line === `edit_file ${sample.fix.path}`)).toHaveLength(2);
        expect(lines.filter((line) => line.startsWith('edit_file failed'))).toEqual([]);
        expect(
          lines.filter((line) => line.startsWith('finish failed: finish refused (1 of ')),
          context,
        ).toHaveLength(1);
        expect(lines, context).toContain('Coding loop ended (finished) after 4 iterations');
        expect(
          lines.filter((line) => line.startsWith('Tests failed')),
          context,
        ).toEqual([]);
        expect(
          lines.filter((line) => line === 'Tests passed'),
          context,
        ).toHaveLength(1);
        const [pull, ...others] = github.pulls(REPO);
        expect(others).toEqual([]);
        // The test step's report in the pull request: both seeded failures fixed.
        const body = pull?.body ?? '';
        expect(body, context).toContain(`$ ${sample.testCommand}\nTests pass.\n`);
        const fixed = body.split('\n').find((line) => line.startsWith(FIXED_BY_CHANGE)) ?? '';
        expect(fixed.slice(FIXED_BY_CHANGE.length).split(', ').sort(), body).toEqual(
          [...sample.failing].sort(),
        );

        expect(await repo.showInOrigin(`fix/58:${sample.fix.path}`)).toContain(
          sample.fix.newText.trim(),
        );
        expect(await repo.showInOrigin(`fix/58:${sample.fix.path}`)).not.toContain(wrong);
        const committed = (await git(repo.origin, 'ls-tree', '-r', '--name-only', 'fix/58')).split(
          '\n',
        );
        expect(committed.sort()).toEqual(Object.keys(files).sort());
        // Nothing was asked after the accepted finish: no repair round.
        expect(llm.requests).toHaveLength(4);
        llm.assertDone();
      } finally {
        await Promise.all([llm.stop(), github.stop(), gitServer.stop()]);
        await redis.cleanup();
        await repo.cleanup();
        await rm(configDirectory, { recursive: true, force: true });
      }
    },
    1_800_000,
  );
});
