import { FakeSlackApi, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server-process.js';

const MAIN = resolve(import.meta.dirname, '../../dist/main.js');

/**
 * Loaded before the dispatcher: names each npm package the first time the process resolves a
 * module of it (`module.registerHooks` sees both `import` and `require`).
 */
const PACKAGE_SPY = `
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url)?.[1];
    if (name && !seen.has(name)) {
      seen.add(name);
      process.stderr.write('package-loaded ' + name + '\\n');
    }
    return resolved;
  },
});
`;

/**
 * Each engine's client costs the dispatcher tens of megabytes of resident memory
 * (docs/benchmarks.md, row 6): it is loaded only when SPAWNER_TYPE names that engine.
 */
describe('dispatcher (built): what it loads for its spawner', () => {
  let redis: RedisTestContext;
  let slack: FakeSlackApi;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    redis = await redisTestContext();
    slack = await new FakeSlackApi().start();
    dir = mkdtempSync(join(tmpdir(), 'dispatcher-imports-e2e-'));
    writeFileSync(join(dir, 'agentsmith.yml'), 'projects: {}\n');
    writeFileSync(join(dir, 'package-spy.mjs'), PACKAGE_SPY);
  });

  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  afterAll(async () => {
    await slack.stop();
    await redis.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the dispatcher with `env` and returns the packages it loaded by the time it listens. */
  async function packagesLoaded(env: Record<string, string>): Promise<string[]> {
    const port = await freePort();
    const output: string[] = [];
    child = spawn(process.execPath, ['--import', join(dir, 'package-spy.mjs'), MAIN], {
      env: {
        PATH: process.env['PATH'],
        SLACK_BOT_TOKEN: 'xoxb-e2e',
        SLACK_SIGNING_SECRET: 'e2e-secret',
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL: redis.url,
        PORT: String(port),
        BROKER_PORT: '0',
        OPS_PORT: '0',
        AGENTSMITH_CONFIG: join(dir, 'agentsmith.yml'),
        DISPATCHER_KEY_PREFIX: redis.prefix,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await expect
      .poll(
        async () =>
          (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200,
        { message: `the dispatcher to listen (output: ${output.join('')})` },
      )
      .toBe(true);
    return [...output.join('').matchAll(/^package-loaded (\S+)$/gm)].map((match) => match[1]!);
  }

  it('loads dockerode and not the Kubernetes client under SPAWNER_TYPE=docker', async () => {
    const loaded = await packagesLoaded({
      SPAWNER_TYPE: 'docker',
      DOCKER_HOST: 'tcp://127.0.0.1:1',
    });

    expect({
      dockerode: loaded.includes('dockerode'),
      kubernetes: loaded.includes('@kubernetes/client-node'),
    }).toEqual({ dockerode: true, kubernetes: false });
  });

  it('loads the Kubernetes client and not dockerode under SPAWNER_TYPE=kubernetes', async () => {
    // No cluster: the spawner stands in with an explanation, after its client was loaded.
    const loaded = await packagesLoaded({
      SPAWNER_TYPE: 'kubernetes',
      KUBECONFIG: join(dir, 'missing-kubeconfig'),
    });

    expect({
      dockerode: loaded.includes('dockerode'),
      kubernetes: loaded.includes('@kubernetes/client-node'),
    }).toEqual({ dockerode: false, kubernetes: true });
  });
});
