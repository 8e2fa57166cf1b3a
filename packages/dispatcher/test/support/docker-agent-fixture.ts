import type Docker from 'dockerode';
import { Redis } from 'ioredis';
import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';
import { startDockerGate, type RunningDockerGate } from '@agentsmith/docker-gate';
import { newJobId } from '@agentsmith/kit';
import {
  TEST_RUN_LABEL,
  buildFakeAgentImage,
  removeTestContainers,
  requireDocker,
  testRunId,
} from '@agentsmith/testkit';

/** Images the fixture's gate allows besides the fake agent: the "missing image" tests ask for these. */
const MISSING_IMAGES = 'agentsmith-missing:*';

/**
 * A test network with a `redis` on it (alias `redis`, published on a random local port), the fake
 * agent image, and a Docker gate in this process in front of the real socket, allowing that image
 * on that network: spawners under test reach the engine through it, as the dispatcher does in
 * Compose.
 */
export interface DockerAgentFixture {
  /** The raw engine, for the test's own checks and set-up. */
  docker: Docker;
  gate: RunningDockerGate;
  /** Spawner settings that point at the gate (`DOCKER_HOST=tcp://127.0.0.1:<port>`). */
  engine: { host: string; port: number };
  image: string;
  network: string;
  /** Client for the network's Redis, from the test process. */
  redis: Redis;
  redisContainerId: string;
  close(): Promise<void>;
}

export async function startDockerAgentFixture(name: string): Promise<DockerAgentFixture> {
  const docker = await requireDocker();
  const image = await buildFakeAgentImage();
  const network = `agentsmith-test-${name}-${testRunId}`;
  await docker.createNetwork({ Name: network, Labels: { [TEST_RUN_LABEL]: testRunId } });
  const container = await docker.createContainer({
    Image: 'redis:7',
    name: `agentsmith-test-redis-${name}-${testRunId}`,
    Labels: { [TEST_RUN_LABEL]: testRunId },
    ExposedPorts: { '6379/tcp': {} },
    HostConfig: {
      NetworkMode: network,
      Tmpfs: { '/data': '' },
      PortBindings: { '6379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ['redis'] } } },
  });
  await container.start();
  const port = (await container.inspect()).NetworkSettings.Ports['6379/tcp']?.[0]?.HostPort;
  // The client reconnects until the container's Redis listens; the first PING waits for that.
  const ready = new Redis(Number(port), '127.0.0.1', {
    maxRetriesPerRequest: null,
    retryStrategy: () => 100,
  });
  await ready.ping();
  ready.disconnect();
  const redis = new Redis(Number(port), '127.0.0.1', { maxRetriesPerRequest: 3 });
  const gate = await startDockerGate({
    policy: { images: [image, MISSING_IMAGES], network, archiveDirectories: ['/etc/agentsmith'] },
    socketPath: '/var/run/docker.sock',
    port: 0,
    host: '127.0.0.1',
  });
  return {
    docker,
    gate,
    engine: { host: '127.0.0.1', port: gate.port },
    image,
    network,
    redis,
    redisContainerId: container.id,
    async close() {
      redis.disconnect();
      await gate.close();
      await removeTestContainers(docker);
      await docker
        .getNetwork(network)
        .remove()
        .catch(() => undefined);
      await docker
        .getImage(image)
        .remove()
        .catch(() => undefined);
    },
  };
}

/** A job spec whose project name selects the fake agent's scenario (see testkit fake-agent-image). */
export function fakeAgentJobSpec(scenario: string, overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    specificationVersion: PROTOCOL_VERSION,
    jobId: newJobId(),
    intent: { ticketId: '58', project: scenario },
    platform: 'slack',
    channelId: 'C0TEST',
    redisUrl: 'redis:6379',
    maxDurationSeconds: 60,
    createdAt: Date.now(),
    ...overrides,
  };
}
