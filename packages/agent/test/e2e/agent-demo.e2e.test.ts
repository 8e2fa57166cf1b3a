import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  agentArguments,
  agentJobEnvironment,
  jobInStreamKey,
  jobOutStreamKey,
  PROTOCOL_VERSION,
  type JobSpec,
} from '@agentsmith/contracts';
import { newJobId } from '@agentsmith/kit';
import { git, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBundle } from '../../src/demo/demo-bundle.js';
import { prepareDemo } from '../../src/demo/prepare-demo.js';
import { runAgent } from './agent-cli.js';
import { outEntries } from './job-stream.js';

/**
 * `agentsmith demo` as a newcomer runs it: no configuration, no API key, no network for the model.
 * The demo creates its own sample repository under the temporary folder (TMPDIR here) and must
 * end with ticket #1 fixed on branch fix/1, where the sample's test passes.
 */
describe('agentsmith demo', () => {
  let scratch: string;
  let result: Awaited<ReturnType<typeof runAgent>>;
  let repository: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agentsmith-demo-e2e-'));
    result = await runAgent(['demo'], { TMPDIR: scratch }, scratch);
    repository = /Sample repository: (\S+) /.exec(result.stdout)?.[1] ?? '';
  }, 120_000);
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('ends with the fix on branch fix/1 of a fresh repository and says how to look at it', async () => {
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(repository.startsWith(scratch)).toBe(true);
    expect(await git(repository, 'show', 'fix/1:src/math.js')).toContain('return a + b;');
    expect(await git(repository, 'show', 'main:src/math.js')).toContain('return a - b;');
    expect(await git(repository, 'log', '-1', '--format=%s', 'fix/1')).toMatch(/^fix: .+ \(#1\)$/);
    expect(result.stdout).toContain(`git -C ${repository} log -p fix/1`);
  });

  it("passes the sample's test on fix/1 (checked here, outside the agent)", async () => {
    const checkout = join(scratch, 'checkout');
    await git(scratch, 'clone', '--quiet', '--branch', 'fix/1', repository, checkout);

    const run = await promisify(execFile)(process.execPath, ['--test'], { cwd: checkout });

    expect(run.stdout).toMatch(/# pass 1\n/);
    expect(run.stdout).toMatch(/# fail 0\n/);
  });

  it('says on every screen that it is a replay, and never asks for a key', () => {
    const steps = result.stdout
      .split('\n')
      .filter((line) => /^\[\d\/\d\] (?!completed)/.test(line));
    const details = result.stdout.split('\n').filter((line) => line.startsWith('    '));

    expect(result.stdout).toMatch(/^Agent Smith demo: a REPLAY/);
    expect(steps).toHaveLength(7);
    for (const line of steps) expect(line).toMatch(/\(replay\)$/);
    for (const line of details) expect(line).toMatch(/^ {4}\[replay\] /);
    expect(result.stdout).toContain('Replay of the recorded session');
    expect(result.stdout).toContain('no model was called');
    expect(result.stdout + result.stderr).not.toMatch(/API_KEY/);
  });
});

/**
 * The demo on Docker: the dispatcher's job spec names the bundled recording (`replay: demo`),
 * which reaches the agent through its environment only; the container arguments are the usual.
 */
describe('a job whose spec names the bundled demo recording', () => {
  let scratch: string;
  let redis: RedisTestContext;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'agentsmith-demo-job-'));
    redis = await redisTestContext();
  });
  afterAll(async () => {
    await redis.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('replays it in job mode: every entry says replay and the fix lands on fix/1', async () => {
    const workspace = await prepareDemo(demoBundle(), scratch, process.env);
    const jobId = newJobId();
    redis.track(jobOutStreamKey(jobId), jobInStreamKey(jobId));
    const spec: JobSpec = {
      specificationVersion: PROTOCOL_VERSION,
      jobId,
      intent: { ticketId: '1', project: 'demo' },
      platform: 'cli',
      channelId: 'demo',
      redisUrl: redis.url.replace('redis://', ''),
      maxDurationSeconds: 600,
      createdAt: Date.now(),
      replay: 'demo',
    };

    const result = await runAgent(
      [...agentArguments(spec), '--config', workspace.configPath],
      { ...agentJobEnvironment(spec), AGENTSMITH_WORKDIR: workspace.workdir },
      scratch,
    );

    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const entries = await outEntries(redis, jobId);
    const progress = entries.flatMap((entry) => (entry.type === 'progress' ? [entry] : []));
    expect(progress).toHaveLength(7);
    for (const entry of progress) expect(entry.label).toMatch(/\(replay\)$/);
    expect(entries.at(-1)).toMatchObject({
      type: 'done',
      summary: expect.stringMatching(
        /^Replay of the recorded session .*recording\.jsonl: no model was called\./,
      ),
    });
    expect(await git(workspace.repository, 'show', 'fix/1:src/math.js')).toContain('return a + b;');
  });
});
