import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALLOWED_REGISTRY_COMMAND,
  REFUSED_REGISTRY_COMMAND,
  requireDocker,
  signSlackRequest,
  testDocker,
  testRunId,
  type ComposeFakeWorldState,
  type EgressTarget,
} from '@agentsmith/testkit';

/**
 * Issue 10's egress acceptance on the real Compose stack (docker-compose.yml +
 * deploy/compose.test.yml, own project name and image tags): a job of `agent-smith-egress` runs the
 * real agent image, spawned by the dispatcher through the gate, and its scripted model tries, from
 * inside the running agent, direct connections to a stand-in for the internet (the `fakes`
 * container), the host (a listener of this test on the gateways), the dispatcher's Slack port and
 * the gate; then npm through the job's proxy to the allowed fake registry and twice to a refused
 * one. Slow: it builds three images.
 */
const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
const project = `as-egress-${testRunId}`;
const tag = `egress-${testRunId}`;
const signingSecret = 'compose-e2e-signing-secret';
const docker = testDocker();
let environment: NodeJS.ProcessEnv;
let overrideDirectory: string;
let files: string[];

async function compose(...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec(
      'docker',
      ['compose', '-p', project, ...files.flatMap((file) => ['-f', file]), ...args],
      { cwd: root, env: environment, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `docker compose ${args.join(' ')} failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
      {
        cause: error,
      },
    );
  }
}

async function publishedUrl(service: string, port: number): Promise<string> {
  return `http://${(await compose('port', service, String(port))).trim()}`;
}

async function fakeState(): Promise<ComposeFakeWorldState> {
  return (await (
    await fetch(`${await publishedUrl('fakes', 9000)}/state`)
  ).json()) as ComposeFakeWorldState;
}

const textOf = (call: { args: Record<string, unknown> }) =>
  typeof call.args['text'] === 'string' ? call.args['text'] : '';

/** A service on the host, listening on every interface: agents must not reach it. */
let hostService: Server;

beforeAll(async () => {
  await requireDocker(docker);
  environment = {
    ...process.env,
    REDIS_PASSWORD: 'compose-egress-redis-password',
    AGENTSMITH_IMAGE: `agentsmith:${tag}`,
  };
  overrideDirectory = await mkdtemp(join(tmpdir(), 'agentsmith-egress-'));
  // Own image tags: the shared ones may be rebuilt by anyone at any moment.
  const override = join(overrideDirectory, 'images.yml');
  await writeFile(
    override,
    [
      'services:',
      `  dispatcher: { image: 'agentsmith-dispatcher:${tag}' }`,
      `  docker-gate: { image: 'agentsmith-docker-gate:${tag}' }`,
      `  fakes: { image: 'agentsmith-fakes:${tag}' }`,
      '',
    ].join('\n'),
  );
  files = [join(root, 'docker-compose.yml'), join(root, 'deploy/compose.test.yml'), override];
  await exec(
    'docker',
    ['build', '-q', '-f', 'deploy/Dockerfile.agent', '-t', `agentsmith:${tag}`, '.'],
    {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  await compose('build', 'dispatcher', 'docker-gate', 'fakes');
  hostService = createServer((socket) => socket.end('host service\n'));
  await new Promise<void>((resolve) => hostService.listen(0, '0.0.0.0', resolve));
}, 1_800_000);

afterAll(async () => {
  hostService?.close();
  await compose('down', '--volumes', '--remove-orphans', '--timeout', '5').catch(() => undefined);
  await exec('docker', [
    'image',
    'rm',
    `agentsmith:${tag}`,
    `agentsmith-dispatcher:${tag}`,
    `agentsmith-docker-gate:${tag}`,
    `agentsmith-fakes:${tag}`,
  ]).catch(() => undefined);
  await rm(overrideDirectory, { recursive: true, force: true });
});

/** The container's address on `network`, and that network's gateway (an address of the host). */
async function addressOn(
  service: string,
  network: string,
): Promise<{ ip: string; gateway: string }> {
  const id = (await compose('ps', '-q', service)).trim();
  const settings = (await docker.getContainer(id).inspect()).NetworkSettings.Networks[network];
  return { ip: settings?.IPAddress ?? '', gateway: settings?.Gateway ?? '' };
}

describe('docker compose: agents reach only the broker and Redis; registries through the proxy', () => {
  it('refuses direct connections from inside a running agent, proxies the allowed registry and reports a refused host once', async () => {
    await compose('up', '-d', '--wait');
    const internet = await addressOn('fakes', `${project}_default`);
    const gate = await addressOn('docker-gate', `${project}_docker-gate`);
    const hostPort = (hostService.address() as AddressInfo).port;
    const targets: EgressTarget[] = [
      // Positive controls: the probe does see an answer where the agent may go.
      { name: 'redis', host: 'redis', port: 6379, send: 'PING\r\n' },
      { name: 'broker', host: 'broker', port: 8081 },
      { name: 'internet-by-address', host: internet.ip, port: 9000 },
      { name: 'internet-by-name', host: 'fakes', port: 9000 },
      { name: 'host-gateway', host: internet.gateway, port: hostPort },
      { name: 'host-docker0', host: '172.17.0.1', port: hostPort },
      { name: 'dispatcher-slack-port', host: 'dispatcher', port: 8080 },
      { name: 'dispatcher-slack-port-as-broker', host: 'broker', port: 8080 },
      { name: 'gate-by-name', host: 'docker-gate', port: 2375 },
      { name: 'gate-by-address', host: gate.ip, port: 2375 },
    ];
    const scripted = await fetch(`${await publishedUrl('fakes', 9000)}/script/egress`, {
      method: 'POST',
      body: JSON.stringify({ targets }),
    });
    expect(scripted.status).toBe(204);
    const channel = `C${randomBytes(4).toString('hex').toUpperCase()}`;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      event_id: `Ev${randomBytes(4).toString('hex')}`,
      event: {
        type: 'message',
        channel,
        user: 'UHUMAN',
        text: 'fix #58 in agent-smith-egress',
        ts: '1.000001',
      },
    });
    const signed = signSlackRequest(signingSecret, body);
    const accepted = await fetch(`${await publishedUrl('dispatcher', 8080)}/slack/events`, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    expect(accepted.status).toBe(200);

    let networks: string[] = [];
    await expect
      .poll(
        async () => {
          const [info] = await docker.listContainers({
            filters: {
              label: ['managed-by=agentsmith-dispatcher', 'project=agent-smith-egress'],
              status: ['running'],
            },
          });
          if (info) networks = Object.keys(info.NetworkSettings.Networks);
          return networks.length > 0;
        },
        { timeout: 120_000, message: 'the running agent container' },
      )
      .toBe(true);
    const isFinalCard = (call: ComposeFakeWorldState['slack'][number]) =>
      call.method === 'chat.postMessage' &&
      call.args['channel'] === channel &&
      /^(Done:|Job \w+ (failed|was cancelled))/.test(textOf(call));
    await expect
      .poll(async () => (await fakeState()).slack.some(isFinalCard), {
        timeout: 300_000,
        interval: 1000,
        message: "the egress job's final card",
      })
      .toBe(true);
    const state = await fakeState();
    process.stdout.write(
      `egress job's tool results:\n  ${state.toolResults.map((text) => text.slice(-400)).join('\n  ')}\n`,
    );

    expect(networks).toEqual([`${project}_agents`]);
    const probeLine =
      state.toolResults.flatMap((text) => /^EGRESS-PROBE (.*)$/m.exec(text)?.[1] ?? [])[0] ?? '';
    const outcomes = Object.fromEntries(probeLine.split(' ').map((pair) => pair.split('=')));
    expect(Object.keys(outcomes).sort()).toEqual(targets.map((target) => target.name).sort());
    expect({ redis: outcomes['redis'], broker: outcomes['broker'] }).toEqual({
      redis: 'answered',
      broker: 'answered',
    });
    for (const target of targets.slice(2))
      expect({ target: target.name, reached: outcomes[target.name] === 'answered' }).toEqual({
        target: target.name,
        reached: false,
      });

    const allowed = state.toolResults.find((text) => text.includes(ALLOWED_REGISTRY_COMMAND)) ?? '';
    expect(allowed).toMatch(/\b1\.3\.0\b/);
    expect(state.registry).toContain('GET /left-pad');
    const refused = state.toolResults.find((text) => text.includes(REFUSED_REGISTRY_COMMAND));
    expect(refused).toMatch(/403/);
    expect(state.llm.remainingTurns).toBe(0); // both refused runs happened

    // Every refused host once (setup may have been refused a host of its own), pypi.org among them.
    const notices = state.slack
      .filter(
        (call) =>
          call.args['channel'] === channel && textOf(call).startsWith('Blocked a connection'),
      )
      .map(textOf);
    const hosts = notices.map((text) => /^Blocked a connection to (\S+):/.exec(text)?.[1]);
    expect(new Set(hosts).size).toBe(hosts.length);
    expect(notices.filter((text) => text.includes('pypi.org'))).toEqual([
      "Blocked a connection to pypi.org:80: it is not in this project's egress allow-list. To allow it, add this line under projects.agent-smith-egress.egress.allow in agentsmith.yml: - pypi.org",
    ]);
    expect(textOf(state.slack.find(isFinalCard) ?? { args: {} })).toMatch(/^Done:.*\/pull\//);
  });
});
