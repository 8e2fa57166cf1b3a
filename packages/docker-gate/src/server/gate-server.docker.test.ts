import Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_RUN_LABEL,
  containerExists,
  removeTestContainers,
  requireDocker,
  testRunId,
} from '@agentsmith/testkit';
import { startDockerGate, type RunningDockerGate } from './gate-server.js';

const exec = promisify(execFile);

/** A local image that stands in for the agent image (no registry is needed). */
const AGENT_IMAGE = 'node:22-bookworm-slim';
const network = `agentsmith-test-gate-${testRunId}`;
let raw: Docker;
let gate: RunningDockerGate;
let throughGate: Docker;
/** Started with `docker run`, without the managed-by label: not the gate's to touch. */
let foreignId: string;

/** The create options of an agent container, as the Docker spawner sends them. */
function agentContainer(name: string, changes: Record<string, unknown> = {}) {
  const base = {
    name,
    Image: AGENT_IMAGE,
    Cmd: ['node', '-e', 'setInterval(() => {}, 1000)'],
    Labels: { 'managed-by': 'agentsmith-dispatcher', [TEST_RUN_LABEL]: testRunId },
    User: '1000:1000',
    HostConfig: {
      AutoRemove: false,
      Init: true,
      NetworkMode: network,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      PidsLimit: 64,
      Memory: 128 * 1024 ** 2,
      MemorySwap: 128 * 1024 ** 2,
      NanoCpus: 5e8,
      Tmpfs: { '/workspace': 'rw,exec,nosuid,nodev,size=1m,uid=1000,gid=1000,mode=0755' },
    },
    NetworkingConfig: { EndpointsConfig: { [network]: {} } },
  };
  return {
    ...base,
    ...changes,
    HostConfig: { ...base.HostConfig, ...(changes['HostConfig'] as object) },
  };
}

/** The error a dockerode call through the gate ends with: status and the engine-style message. */
async function refusal(call: Promise<unknown>): Promise<[number | undefined, string]> {
  try {
    await call;
    return [undefined, 'allowed'];
  } catch (error) {
    const { statusCode, json } = error as { statusCode?: number; json?: { message?: string } };
    return [statusCode, json?.message ?? String(error)];
  }
}

beforeAll(async () => {
  raw = await requireDocker();
  await raw.createNetwork({ Name: network, Labels: { [TEST_RUN_LABEL]: testRunId } });
  gate = await startDockerGate({
    policy: { images: [AGENT_IMAGE], network, archiveDirectories: ['/etc/agentsmith'] },
    socketPath: '/var/run/docker.sock',
    port: 0,
    host: '127.0.0.1',
  });
  throughGate = new Docker({ host: '127.0.0.1', port: gate.port });
  const { stdout } = await exec('docker', [
    'run',
    '-d',
    '--label',
    `${TEST_RUN_LABEL}=${testRunId}`,
    '--name',
    `agentsmith-foreign-${testRunId}`,
    AGENT_IMAGE,
    'sleep',
    '300',
  ]);
  foreignId = stdout.trim();
});

afterAll(async () => {
  await gate?.close();
  await removeTestContainers(raw);
  await raw
    ?.getNetwork(network)
    .remove()
    .catch(() => undefined);
});

describe('docker-gate in front of the real engine', () => {
  it('refuses a privileged container, a bind mount of /, another image and the host network', async () => {
    const name = (what: string) => `agentsmith-${what}-${testRunId}`;

    const answers = await Promise.all([
      refusal(
        throughGate.createContainer(
          agentContainer(name('privileged'), { HostConfig: { Privileged: true } }),
        ),
      ),
      refusal(
        throughGate.createContainer(
          agentContainer(name('bind'), { HostConfig: { Binds: ['/:/host'] } }),
        ),
      ),
      refusal(throughGate.createContainer(agentContainer(name('image'), { Image: 'redis:7' }))),
      refusal(
        throughGate.createContainer(
          agentContainer(name('host'), { HostConfig: { NetworkMode: 'host' } }),
        ),
      ),
    ]);
    const created = await Promise.all(
      ['privileged', 'bind', 'image', 'host'].map((what) => containerExists(raw, name(what))),
    );

    expect(answers).toEqual([
      [403, 'docker-gate: HostConfig.Privileged is not allowed on an agent container'],
      [403, 'docker-gate: HostConfig.Binds is not allowed on an agent container'],
      [403, `docker-gate: image redis:7 is not an agent image this gate allows (${AGENT_IMAGE})`],
      [
        403,
        `docker-gate: NetworkMode host is not the agent network ${network} (host, container: and other networks are refused)`,
      ],
    ]);
    expect(created).toEqual([false, false, false, false]);
  });

  it('refuses to stop, remove or inspect a container it did not create, and does not list it', async () => {
    const foreign = throughGate.getContainer(foreignId);

    const answers = [
      await refusal(foreign.stop({ t: 0 })),
      await refusal(foreign.remove({ force: true })),
      await refusal(foreign.inspect()),
      await refusal(throughGate.getContainer(`agentsmith-foreign-${testRunId}`).stop()),
    ];
    const listed = await throughGate.listContainers({ all: true });
    const stillRunning = (await raw.getContainer(foreignId).inspect()).State.Running;

    const reason = (id: string) =>
      `docker-gate: container ${id} is not an agent container (no managed-by=agentsmith-dispatcher label)`;
    expect(answers).toEqual([
      [403, reason(foreignId)],
      [403, reason(foreignId)],
      [403, reason(foreignId)],
      [403, reason(`agentsmith-foreign-${testRunId}`)],
    ]);
    expect([listed.some((info) => info.Id === foreignId), stillRunning]).toEqual([false, true]);
  });

  it('refuses every other Engine API call with the reason', async () => {
    const answers = [
      await refusal(throughGate.info()),
      await refusal(throughGate.getContainer(foreignId).exec({ Cmd: ['id'] })),
      await refusal(throughGate.getContainer(foreignId).kill()),
      await refusal(throughGate.createVolume({ Name: `agentsmith-test-${testRunId}` })),
    ];

    expect(answers).toEqual([
      [
        403,
        "docker-gate: GET /info is not an Engine API call the dispatcher's Docker spawner makes",
      ],
      [
        403,
        `docker-gate: POST /containers/${foreignId}/exec is not an Engine API call the dispatcher's Docker spawner makes`,
      ],
      [
        403,
        `docker-gate: POST /containers/${foreignId}/kill is not an Engine API call the dispatcher's Docker spawner makes`,
      ],
      [
        403,
        "docker-gate: POST /volumes/create is not an Engine API call the dispatcher's Docker spawner makes",
      ],
    ]);
  });

  it('runs the agent container through its life, streaming only agent events', async () => {
    const name = `agentsmith-lifecycle-${testRunId}`;
    const events = (await throughGate.getEvents({
      filters: { event: ['start', 'die'] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    const seen: string[] = [];
    events.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const event = JSON.parse(line) as {
          Action: string;
          Actor: { Attributes: { name: string } };
        };
        seen.push(`${event.Action} ${event.Actor.Attributes.name}`);
      }
    });

    const container = await throughGate.createContainer(agentContainer(name));
    const exited = container.wait({ condition: 'next-exit' });
    await container.start();
    const inspected = await container.inspect();
    // Another container's life on the same engine must not leak into the stream.
    await raw.getContainer(foreignId).restart({ t: 0 });
    await container.stop({ t: 1 });
    const waited = (await exited) as { StatusCode: number };
    await expect.poll(() => seen.includes(`die ${name}`)).toBe(true);
    await container.remove({ v: true });
    events.destroy();

    expect([inspected.Config.User, inspected.HostConfig.Privileged, waited.StatusCode > 0]).toEqual(
      ['1000:1000', false, true],
    );
    expect(seen).toEqual([`start ${name}`, `die ${name}`]);
    expect(await containerExists(raw, name)).toBe(false);
  });
});
