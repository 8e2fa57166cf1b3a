import { ConfigError } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { forwardedAgentEnv } from '@agentsmith/contracts';
import { loadDispatcherConfig } from './dispatcher-config.js';
import { parseMemory } from './spawner-settings.js';

const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

function spawnerOf(env: Record<string, string>) {
  return loadDispatcherConfig({ ...slack, ...env }).spawner;
}

describe('config/spawner-settings', () => {
  it('uses the defaults of docs/deployment.md', () => {
    expect(spawnerOf({})).toEqual({
      type: 'kubernetes',
      kubernetes: {
        image: 'agentsmith:latest',
        namespace: 'agentsmith',
        secretName: 'agentsmith-secrets',
        imagePullPolicy: 'IfNotPresent',
        ttlSecondsAfterFinished: 300,
        resources: {
          memoryBytes: 4 * 1024 ** 3,
          cpus: 2,
          pidsLimit: 512,
          workspaceBytes: 2 * 1024 ** 3,
          tmpBytes: 512 * 1024 ** 2,
        },
        memoryRequestBytes: 512 * 1024 ** 2,
        cpuRequest: 0.25,
      },
      kubeconfig: { inCluster: false },
    });
    expect(spawnerOf({ SPAWNER_TYPE: 'docker' })).toEqual({
      type: 'docker',
      docker: {
        image: 'agentsmith:latest',
        socketPath: '/var/run/docker.sock',
        resources: {
          memoryBytes: 4 * 1024 ** 3,
          cpus: 2,
          pidsLimit: 512,
          workspaceBytes: 2 * 1024 ** 3,
          tmpBytes: 512 * 1024 ** 2,
        },
      },
      agentEnv: {},
    });
  });

  it('reads the Docker variables and forwards no credential to agents', () => {
    expect(
      spawnerOf({
        SPAWNER_TYPE: 'docker',
        AGENTSMITH_IMAGE: 'registry.example/agentsmith:2',
        DOCKER_HOST: 'tcp://engine:2376',
        DOCKER_NETWORK: 'agentsmith_agents',
        AGENT_MEMORY: '2g',
        AGENT_CPUS: '0.5',
        AGENT_PIDS_LIMIT: '100',
        AGENT_WORKSPACE_SIZE: '1g',
        AGENT_TMP_SIZE: '64m',
        GITHUB_TOKEN: 'ghp-1',
        PATH: '/bin',
      }),
    ).toEqual({
      type: 'docker',
      docker: {
        image: 'registry.example/agentsmith:2',
        host: 'engine',
        port: 2376,
        network: 'agentsmith_agents',
        resources: {
          memoryBytes: 2 * 1024 ** 3,
          cpus: 0.5,
          pidsLimit: 100,
          workspaceBytes: 1024 ** 3,
          tmpBytes: 64 * 1024 ** 2,
        },
      },
      agentEnv: {},
    });
  });

  it('reads where the cluster is: in a Pod, or the first file of KUBECONFIG', () => {
    expect([
      spawnerOf({ KUBECONFIG: '/a/config:/b/config' }),
      spawnerOf({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBECONFIG: '/a/config' }),
    ]).toMatchObject([
      { kubeconfig: { inCluster: false, file: '/a/config' } },
      { kubeconfig: { inCluster: true } },
    ]);
  });

  it('reports every problem at once, each with the variable, its value and what is allowed', () => {
    let problems: readonly string[] = [];
    try {
      spawnerOf({
        SPAWNER_TYPE: 'podman',
        AGENT_MEMORY: 'lots',
        IMAGE_PULL_POLICY: 'Sometimes',
        DOCKER_HOST: 'ssh://engine',
        AGENT_CPUS: '0',
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }

    expect(problems).toEqual([
      'SPAWNER_TYPE="podman" is not valid: use one of docker, kubernetes',
      'AGENT_MEMORY="lots" is not valid: use a memory size such as 512m, 4g or 2Gi',
      'AGENT_CPUS="0" is not valid: use a number above 0, e.g. 0.5 or 2',
      'DOCKER_HOST="ssh://engine" is not valid: use unix:///var/run/docker.sock or tcp://host:2375',
      'IMAGE_PULL_POLICY="Sometimes" is not valid: use one of Always, IfNotPresent, Never',
    ]);
  });

  it.each([
    ['4g', 4 * 1024 ** 3],
    ['2Gi', 2 * 1024 ** 3],
    ['64m', 64 * 1024 ** 2],
    ['1048576', 1024 ** 2],
  ])('parses memory %s', (text, bytes) => {
    expect(parseMemory(text)).toEqual(bytes);
  });
});

describe('config/agent-credentials', () => {
  it('forwards only the commit author options: no credential, no upstream URL, no Slack', () => {
    const forwarded = forwardedAgentEnv({
      GITHUB_TOKEN: 'ghp',
      ANTHROPIC_API_KEY: 'sk-ant',
      SLACK_BOT_TOKEN: 'xoxb',
      REDIS_PASSWORD: 'redis-secret',
      OPENAI_BASE_URL: 'http://llm',
      AGENTSMITH_CLONE_URL: 'http://mirror/app.git',
      AGENTSMITH_GIT_AUTHOR_NAME: 'Agent Smith',
      PATH: '/bin',
      JIRA_TOKEN: '',
    });

    expect(forwarded).toEqual({ AGENTSMITH_GIT_AUTHOR_NAME: 'Agent Smith' });
  });
});
