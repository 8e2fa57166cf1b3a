import type Docker from 'dockerode';
import { Redis } from 'ioredis';
import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';
import { newJobId } from '@agentsmith/kit';
import {
  TEST_RUN_LABEL,
  buildFakeAgentImage,
  removeTestContainers,
  requireDocker,
  testRunId,
} from '@agentsmith/testkit';

/** A test network with a `redis` on it (alias `redis`, published on a random local port) and the fake agent image. */
export interface DockerAgentFixture {
  docker: Docker;
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
  return {
    docker,
    image,
    network,
    redis,
    redisContainerId: container.id,
    async close() {
      redis.disconnect();
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
