import { describe, expect, it } from 'vitest';
import { checkCreateContainer } from '@agentsmith/docker-gate';
import { dockerContainerSpec } from './docker-container-spec.js';
import { sampleJobSpec } from '../../../test/support/sample-job-spec.js';
import { loadDispatcherConfig } from '../../config/dispatcher-config.js';

function defaultResources() {
  const { spawner } = loadDispatcherConfig({
    SPAWNER_TYPE: 'docker',
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: 'secret',
  });
  if (spawner.type !== 'docker') throw new Error('expected the Docker spawner');
  return spawner.docker.resources;
}

/** The container the Docker spawner asks for is one the docker-gate admits (it runs behind it in Compose). */
describe('spawners/docker-container-spec', () => {
  it.each([
    ['in the environment', { as: 'text', text: 'projects: {}\n' }],
    ['as a file', { as: 'file' }],
    ['none', undefined],
  ] as const)('is admitted by the docker-gate (configuration: %s)', (_case, config) => {
    const { name, ...body } = dockerContainerSpec({
      spec: sampleJobSpec(),
      image: 'agentsmith:latest',
      network: 'agentsmith_agents',
      resources: defaultResources(),
      env: { GITHUB_TOKEN: 'ghp_x' },
      config,
    });

    const decision = checkCreateContainer(name, JSON.parse(JSON.stringify(body)), {
      images: ['agentsmith:latest'],
      network: 'agentsmith_agents',
      archiveDirectories: ['/etc/agentsmith'],
    });

    expect(decision.refused ? decision.reason : 'admitted').toBe('admitted');
    expect(body.HostConfig?.Mounts?.map((mount) => mount.Target)).toEqual(
      config?.as === 'file' ? ['/etc/agentsmith'] : [],
    );
    expect(body.HostConfig?.Tmpfs).toEqual({
      '/workspace': 'rw,exec,nosuid,nodev,size=2147483648,uid=1000,gid=1000,mode=0755',
      '/tmp': 'rw,exec,nosuid,nodev,size=536870912,uid=1000,gid=1000,mode=1777',
      '/home/node': 'rw,nosuid,size=256m,uid=1000,gid=1000,mode=0700',
    });
  });
});
