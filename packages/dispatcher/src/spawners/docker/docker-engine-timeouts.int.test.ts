import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAgentJobSpec } from '../../../test/support/docker-agent-fixture.js';
import { DockerJobSpawner } from './docker-job-spawner.js';

/** A "Docker engine" that accepts connections and never answers, as a hung daemon does. */
function hungEngine(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0, sockets });
    });
  });
}

describe('spawners/docker: a hung engine', () => {
  let engine: Awaited<ReturnType<typeof hungEngine>>;
  let spawner: DockerJobSpawner;

  beforeAll(async () => {
    engine = await hungEngine();
    spawner = new DockerJobSpawner({
      settings: {
        image: 'agentsmith:never',
        host: '127.0.0.1',
        port: engine.port,
        network: 'agentsmith-never',
        resources: { memoryBytes: 256 * 1024 ** 2, cpus: 1, pidsLimit: 128 },
      },
      agentEnv: {},
      callTimeoutMs: 300,
    });
  });

  afterAll(async () => {
    await spawner.close();
    for (const socket of engine.sockets) socket.destroy();
    await new Promise((resolve) => engine.server.close(resolve));
  });

  it('refuses a spawn with a reason once the engine did not answer in time', async () => {
    await expect(spawner.spawn(fakeAgentJobSpec('report'))).rejects.toMatchObject({
      code: 'spawner_unavailable',
      retryable: true,
      message: `the Docker engine at tcp://127.0.0.1:${engine.port} is not answering: docker image inspect agentsmith:never did not answer within 300ms (is dockerd, or the docker-gate service, overloaded or hung?)`,
    });
  });

  it('gives up a stop after the grace period plus the call limit', async () => {
    await expect(spawner.stop('a1b2c3', { graceSeconds: 0 })).rejects.toMatchObject({
      code: 'spawner_unavailable',
      message: expect.stringContaining(
        'docker stop agentsmith-a1b2c3 did not answer within 300ms',
      ) as unknown,
    });
  });

  it('answers not ready, naming the silence', async () => {
    await expect(spawner.checkReadiness()).resolves.toEqual({
      ready: false,
      reason: `the Docker engine at tcp://127.0.0.1:${engine.port} is not answering: docker ping did not answer within 300ms (is dockerd, or the docker-gate service, overloaded or hung?)`,
    });
  });

  it('lists no jobs rather than hanging the reaper', async () => {
    await expect(spawner.listJobs()).rejects.toMatchObject({ code: 'spawner_unavailable' });
  });
});
