import { describe, expect, it } from 'vitest';
import type { ConfigError } from '@agentsmith/kit';
import { gateConfigFromEnv } from './gate-config.js';

describe('docker-gate/gate-config', () => {
  it('reads the allowed images, the agent network and the defaults', () => {
    expect(
      gateConfigFromEnv({
        DOCKER_GATE_IMAGES: 'agentsmith:latest, agentsmith-*:v1,',
        DOCKER_GATE_NETWORK: 'agentsmith_agents',
      }),
    ).toEqual({
      policy: {
        images: ['agentsmith:latest', 'agentsmith-*:v1'],
        network: 'agentsmith_agents',
        archiveDirectories: ['/etc/agentsmith'],
      },
      socketPath: '/var/run/docker.sock',
      port: 2375,
    });
  });

  it('reports every missing or wrong setting at once', () => {
    let problems: readonly string[] = [];
    try {
      gateConfigFromEnv({ DOCKER_GATE_IMAGES: ' , ', DOCKER_GATE_PORT: '99999' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }

    expect(problems).toEqual([
      'DOCKER_GATE_IMAGES: name the agent image(s), e.g. agentsmith:latest',
      'DOCKER_GATE_NETWORK: name the network agent containers join',
      'DOCKER_GATE_PORT: "99999" is not a TCP port',
    ]);
  });
});
