import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerExists, waitForFakeAgentReady } from '@agentsmith/testkit';
import {
  fakeAgentJobSpec,
  startDockerAgentFixture,
  type DockerAgentFixture,
} from '../../../test/support/docker-agent-fixture.js';
import { jobName } from '../job-spawner.js';
import { DockerJobSpawner } from './docker-job-spawner.js';

/**
 * A TCP hop between the spawner and the engine that can go away and come back on the same port:
 * from the dispatcher's side this is what a daemon restart looks like (every connection, the
 * event stream included, ends; new ones are refused for a while).
 */
class EngineHop {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.upstreamPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

describe('spawners/docker: the exit monitor after the engine went away', () => {
  let fixture: DockerAgentFixture;
  let docker: Docker;
  let hop: EngineHop;

  beforeAll(async () => {
    fixture = await startDockerAgentFixture('events');
    docker = fixture.docker;
    hop = new EngineHop(fixture.engine.port);
    await hop.open();
  });

  afterAll(async () => {
    await hop?.cut();
    await fixture?.close();
  });

  it('reopens its event stream and reports a container that ended meanwhile', async () => {
    const spawner = new DockerJobSpawner({
      settings: {
        image: fixture.image,
        host: '127.0.0.1',
        port: hop.port,
        network: fixture.network,
        resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 128 },
      },
      agentEnv: {},
      callTimeoutMs: 5_000,
    });
    try {
      const jobId = await spawner.spawn(fakeAgentJobSpec('idle'));
      const name = jobName(jobId);
      await waitForFakeAgentReady(docker, name);
      const exit = spawner.waitForExit(jobId);

      await hop.cut();
      // While the engine is away from the dispatcher's view, the agent dies (and AutoRemove
      // removes it): no `die` event can reach the spawner.
      await docker.getContainer(name).kill();
      await expect.poll(() => containerExists(docker, name)).toBe(false);
      await hop.open();

      await expect(exit).resolves.toMatchObject({ jobId, reason: 'vanished' });

      // The reopened stream works: the next job's ending is seen as usual.
      const next = await spawner.spawn(fakeAgentJobSpec('exit-3'));
      await expect(spawner.waitForExit(next)).resolves.toMatchObject({
        reason: 'exited',
        exitCode: 3,
      });
    } finally {
      await spawner.close();
    }
  });
});
