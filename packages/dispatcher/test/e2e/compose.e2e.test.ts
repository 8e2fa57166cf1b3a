import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  requireDocker,
  signSlackRequest,
  testDocker,
  testRunId,
  type ComposeFakeWorldState,
} from '@agentsmith/testkit';

/**
 * The seed's success criteria against the real Compose file, the real images and a real Docker
 * engine. The SaaS world (Slack, GitHub, git, LLM) runs as the `fakes` container of
 * deploy/compose.test.yml on the same Compose network. Slow: it builds three images.
 */
const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
const project = `agentsmith-e2e-${testRunId}`;
const signingSecret = 'compose-e2e-signing-secret';
const docker = testDocker();
const READY_PROBE =
  "fetch('http://127.0.0.1:8080/ready').then((r) => r.text()).then((t) => process.stdout.write(t))";

const SOCKET_PROBE =
  "process.stdout.write(String(require('node:fs').existsSync('/var/run/docker.sock')))";
const GATE_INFO_PROBE =
  "fetch('http://docker-gate:2375/info').then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, message: (await r.json()).message })))";

const AGENT_NETWORK_GATE_PROBE =
  "fetch('http://docker-gate:2375/_ping', { signal: AbortSignal.timeout(5000) }).then(() => process.stdout.write('reached'), (error) => process.stdout.write('unreachable: ' + (error.cause?.code ?? error.name)))";

function textOf(call: { args: Record<string, unknown> }): string {
  const text = call.args['text'];
  return typeof text === 'string' ? text : '';
}
let environment: NodeJS.ProcessEnv;

async function compose(files: string[], ...args: string[]): Promise<string> {
  const fileArgs = files.flatMap((file) => ['-f', file.startsWith('/') ? file : join(root, file)]);
  try {
    const { stdout } = await exec('docker', ['compose', '-p', project, ...fileArgs, ...args], {
      cwd: root,
      env: environment,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `docker compose ${args.join(' ')} failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
      { cause: error },
    );
  }
}

// AGENTSMITH_E2E_COMPOSE_OVERRIDE adds one more compose file (an absolute path), for debugging.
const extraFile = process.env['AGENTSMITH_E2E_COMPOSE_OVERRIDE'];
const testFiles = [
  'docker-compose.yml',
  'deploy/compose.test.yml',
  ...(extraFile ? [extraFile] : []),
];

async function publishedUrl(service: string, port: number): Promise<string> {
  const address = (await compose(testFiles, 'port', service, String(port))).trim();
  return `http://${address}`;
}

async function fakeState(): Promise<ComposeFakeWorldState> {
  const response = await fetch(`${await publishedUrl('fakes', 9000)}/state`);
  return (await response.json()) as ComposeFakeWorldState;
}

beforeAll(async () => {
  await requireDocker(docker);
  environment = { ...process.env };
  await compose(['docker-compose.yml'], 'build', 'agentsmith');
  await compose(testFiles, 'build', 'dispatcher', 'docker-gate', 'fakes');
}, 1_800_000);

afterAll(async () => {
  await compose(testFiles, 'down', '--volumes', '--remove-orphans', '--timeout', '5').catch(
    () => undefined,
  );
});

describe('docker compose (seed success criteria)', () => {
  it('`up` starts exactly redis, docker-gate and dispatcher, all healthy, with the unmodified compose file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'agentsmith-compose-'));
    await mkdir(join(directory, 'config'));
    await writeFile(join(directory, 'config/agentsmith.yml'), 'projects: {}\n');
    await writeFile(
      join(directory, '.env'),
      // DISPATCHER_PORT=0: a free host port, so parallel runs and a local stack do not collide.
      'SLACK_BOT_TOKEN=xoxb-e2e\nSLACK_SIGNING_SECRET=e2e\nSLACK_API_URL=http://127.0.0.1:9/api/\nDISPATCHER_PORT=0\n',
    );
    const base = async (...args: string[]) =>
      (
        await exec(
          'docker',
          [
            'compose',
            '-p',
            `${project}-base`,
            '-f',
            join(root, 'docker-compose.yml'),
            '--project-directory',
            directory,
            ...args,
          ],
          { env: environment },
        )
      ).stdout;
    try {
      await base('up', '-d', '--wait', '--no-build');

      const running = (await base('ps', '--format', '{{.Service}} {{.Health}}'))
        .trim()
        .split('\n')
        .sort();
      // Non-root and without the socket, yet ready: the spawner reaches the engine through the gate.
      const uid = (await base('exec', '-T', 'dispatcher', 'id', '-u')).trim();
      const readiness = JSON.parse(
        await base('exec', '-T', 'dispatcher', 'node', '-e', READY_PROBE),
      ) as { status?: string };
      const socketInDispatcher = (
        await base('exec', '-T', 'dispatcher', 'node', '-e', SOCKET_PROBE)
      ).trim();
      const refused = JSON.parse(
        await base('exec', '-T', 'dispatcher', 'node', '-e', GATE_INFO_PROBE),
      ) as { status: number; message: string };
      const gate = await docker
        .getContainer((await base('ps', '-q', 'docker-gate')).trim())
        .inspect();
      // Where agents live (the project's default network), the gate is not even a name.
      const fromAgentNetwork = (
        await exec('docker', [
          'run',
          '--rm',
          '--label',
          `agentsmith.test-run=${testRunId}`,
          '--network',
          `${project}-base_default`,
          'node:22-bookworm-slim',
          'node',
          '-e',
          AGENT_NETWORK_GATE_PROBE,
        ])
      ).stdout.trim();

      expect(running).toEqual(['dispatcher healthy', 'docker-gate healthy', 'redis healthy']);
      expect([uid, readiness.status, socketInDispatcher]).toEqual(['1000', 'ready', 'false']);
      expect(fromAgentNetwork).toMatch(/^unreachable: /);
      expect(refused).toEqual({
        status: 403,
        message:
          "docker-gate: GET /info is not an Engine API call the dispatcher's Docker spawner makes",
      });
      expect({
        networks: Object.keys(gate.NetworkSettings.Networks),
        ports: gate.HostConfig.PortBindings ?? {},
        readOnly: gate.HostConfig.ReadonlyRootfs,
        capDrop: gate.HostConfig.CapDrop,
      }).toEqual({
        networks: [`${project}-base_docker-gate`],
        ports: {},
        readOnly: true,
        capDrop: ['ALL'],
      });
    } finally {
      await base('down', '--volumes', '--timeout', '5').catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('"fix #58 in agent-smith-test" runs the real agent image as agentsmith-<id> on the Compose network and ends in a PR card', async () => {
    await compose(testFiles, 'up', '-d', '--wait');
    const dispatcherUrl = await publishedUrl('dispatcher', 8080);
    const ready = await fetch(`${dispatcherUrl}/ready`);
    expect([ready.status, await ready.text()]).toEqual([200, expect.stringContaining('spawner')]);
    const channel = `C${randomBytes(4).toString('hex').toUpperCase()}`;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `Ev${randomBytes(4).toString('hex')}`,
      event: {
        type: 'message',
        channel,
        user: 'UHUMAN',
        text: 'fix #58 in agent-smith-test',
        ts: '1.000001',
      },
    });
    const signed = signSlackRequest(signingSecret, body);

    const accepted = await fetch(`${dispatcherUrl}/slack/events`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    let seen:
      | {
          name: string;
          image: string;
          labels: Record<string, string>;
          networks: string[];
          credentials: string[];
        }
      | undefined;
    await expect
      .poll(
        async () => {
          const [info] = await docker.listContainers({
            all: true,
            filters: { label: ['managed-by=agentsmith-dispatcher', 'project=agent-smith-test'] },
          });
          const ours = ['app', 'job-id', 'platform', 'project', 'managed-by'];
          const labels = Object.fromEntries(
            Object.entries(info?.Labels ?? {}).filter(([key]) => ours.includes(key)),
          );
          // "While it runs": a container still being created or already exiting has no network yet/any more.
          if (info?.State === 'running')
            seen = {
              name: info.Names[0] ?? '',
              image: info.Image,
              labels,
              networks: Object.keys(info.NetworkSettings.Networks),
              credentials: (await docker.getContainer(info.Id).inspect()).Config.Env.map(
                (entry) => entry.split('=')[0] ?? '',
              )
                .filter((name) => /^(SLACK|GITHUB|ANTHROPIC)_/.test(name))
                .sort(),
            };
          return seen !== undefined;
        },
        { timeout: 60_000, message: 'the agent container' },
      )
      .toBe(true);
    const jobId = seen?.labels['job-id'] ?? '';
    const composeServices = (await compose(testFiles, 'ps', '--all', '--format', '{{.Service}}'))
      .trim()
      .split('\n')
      .sort();
    await expect
      .poll(
        async () =>
          (await fakeState()).slack.some((call) => JSON.stringify(call.args).includes('/pull/')),
        { timeout: 240_000, message: 'the final card' },
      )
      .toBe(true);
    const state = await fakeState();
    process.stdout.write(
      `fake Slack transcript:\n  ${state.slack.map((call) => `${call.method} ${textOf(call)}`).join('\n  ')}\n`,
    );

    expect(accepted.status).toEqual(200);
    expect(seen).toEqual({
      name: `/agentsmith-${jobId}`,
      image: 'agentsmith:latest',
      labels: {
        app: 'agentsmith',
        'job-id': jobId,
        platform: 'slack',
        project: 'agent-smith-test',
        'managed-by': 'agentsmith-dispatcher',
      },
      networks: [`${project}_default`],
      // The dispatcher's allow-list: the GitHub and LLM settings, never its Slack credentials.
      credentials: ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'GITHUB_TOKEN'],
    });
    expect(composeServices).toEqual(['dispatcher', 'docker-gate', 'fakes', 'redis']);
    const logs = await compose(testFiles, 'logs', '--no-color', 'dispatcher');
    expect([logs.includes('"spawner":"docker"'), /kubernetes/i.test(logs)]).toEqual([true, false]);
    expect(state.pulls.map((pull) => [pull.head, pull.title])).toEqual([
      ['fix/58', 'fix: Sum is wrong (#58)'],
    ]);
    expect(state.llm.remainingTurns).toEqual(0);
    expect(state.unexpected).toEqual([]);
    const updates = state.slack.filter((call) => call.method === 'chat.update').map(textOf);
    const steps = updates.flatMap((text) => /\[(\d+)\/\d+\]/.exec(text)?.[1] ?? []).map(Number);
    expect(steps.length).toBeGreaterThan(2);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(updates.at(-1)).toContain('succeeded');
    const pullUrl = `https://github.com/acme/agent-smith-test/pull/${state.pulls[0]?.number}`;
    expect(
      state.slack.filter(
        (call) => call.method === 'chat.postMessage' && textOf(call).includes(pullUrl),
      ),
    ).toHaveLength(1);
    await expect
      .poll(
        async () =>
          (await docker.listContainers({ all: true, filters: { name: [`agentsmith-${jobId}`] } }))
            .length === 0,
        { timeout: 30_000, message: 'AutoRemove' },
      )
      .toBe(true);
    const conversation = (
      await compose(
        testFiles,
        'exec',
        '-T',
        'redis',
        'redis-cli',
        'GET',
        `conversation:slack:${channel}`,
      )
    ).trim();
    expect(conversation).toEqual('');
  });
});
