import { describe, expect, it } from 'vitest';
import { startDockerGate } from '@agentsmith/docker-gate';
import { runChecks } from '@agentsmith/kit';
import { dockerChecks } from './docker-checks.js';

const resources = { memoryBytes: 1024 ** 3, cpus: 1, pidsLimit: 64 };

async function check(image: string) {
  return runChecks(dockerChecks({ image, socketPath: '/var/run/docker.sock', resources }), {
    timeoutMs: 20_000,
  });
}

describe('doctor/docker-checks (real Docker engine)', () => {
  it('finds the engine, the listing right and an image the engine has', async () => {
    const results = await check('node:22-bookworm-slim');
    expect(results.map((result) => [result.status, result.what])).toEqual([
      ['ok', 'Docker engine'],
      ['ok', 'Docker rights'],
      ['ok', 'Agent image'],
    ]);
    expect(results[2]?.detail).toBe('node:22-bookworm-slim is on unix:///var/run/docker.sock');
  });

  it('fails on an image the engine does not have, saying how to build it', async () => {
    const results = await check('agentsmith-doctor-absent:none');
    expect(results.at(-1)).toEqual({
      status: 'fail',
      what: 'Agent image',
      detail: 'agentsmith-doctor-absent:none is not on unix:///var/run/docker.sock',
      fix: 'build it (docker compose build agent, or docker build -f deploy/Dockerfile.agent -t agentsmith-doctor-absent:none .) or set AGENTSMITH_IMAGE to an image the engine has',
    });
  });

  it('fails when no engine answers at the address', async () => {
    const results = await runChecks(
      dockerChecks({ image: 'x', host: '127.0.0.1', port: 1, resources }),
      { timeoutMs: 20_000 },
    );
    expect(results[0]).toMatchObject({ status: 'fail', what: 'Docker engine' });
    expect(results[0]?.fix).toContain('check DOCKER_HOST (tcp://127.0.0.1:1)');
  });

  it('checks through the docker-gate: its ping, the filtered list, and an image it does not admit', async () => {
    const gate = await startDockerGate({
      policy: {
        images: ['node:22-bookworm-slim'],
        network: 'agentsmith-doctor-none',
        archiveDirectories: ['/etc/agentsmith'],
      },
      socketPath: '/var/run/docker.sock',
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const engine = { host: '127.0.0.1', port: gate.port, resources };
      const admitted = await runChecks(
        dockerChecks({ image: 'node:22-bookworm-slim', ...engine }),
        {
          timeoutMs: 20_000,
        },
      );
      expect(admitted.map((result) => result.status)).toEqual(['ok', 'ok', 'ok']);
      const refused = await runChecks(dockerChecks({ image: 'redis:7', ...engine }), {
        timeoutMs: 20_000,
      });
      expect(refused.at(-1)).toMatchObject({ status: 'fail', what: 'Agent image' });
      expect(refused.at(-1)?.fix).toMatch(/^admit it at the docker-gate \(DOCKER_GATE_IMAGES/);
    } finally {
      await gate.close();
    }
  });
});
