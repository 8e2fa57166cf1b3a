import { describe, expect, it } from 'vitest';
import type { ConfigError } from '@agentsmith/kit';
import { forwardedAgentEnv } from './agent-credentials.js';
import { containerIdsInProcFiles } from './docker-network.js';
import { describeExit } from './job-exit-description.js';
import { parseMemory, spawnerSettingsFromEnv } from './spawner-settings.js';

describe('spawners/spawner-settings', () => {
  it('uses the defaults of interfaces.md', () => {
    const settings = spawnerSettingsFromEnv({});

    expect(settings).toEqual({
      type: 'kubernetes',
      maxDurationSeconds: 3600,
      configPath: 'config/agentsmith.yml',
      docker: {
        image: 'agentsmith:latest',
        socketPath: '/var/run/docker.sock',
        resources: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pidsLimit: 512 },
      },
      kubernetes: {
        image: 'agentsmith:latest',
        namespace: 'agentsmith',
        secretName: 'agentsmith-secrets',
        imagePullPolicy: 'IfNotPresent',
        ttlSecondsAfterFinished: 300,
        resources: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pidsLimit: 512 },
        memoryRequestBytes: 512 * 1024 ** 2,
        cpuRequest: 0.25,
      },
    });
  });

  it('reads the Docker variables', () => {
    const settings = spawnerSettingsFromEnv({
      SPAWNER_TYPE: 'docker',
      DOCKER_HOST: 'tcp://engine:2376',
      DOCKER_NETWORK: 'agentsmith_default',
      AGENT_MEMORY: '512m',
      AGENT_CPUS: '0.5',
      AGENT_PIDS_LIMIT: '100',
      JOB_MAX_DURATION: '90s',
    });

    expect([settings.type, settings.maxDurationSeconds, settings.docker]).toEqual([
      'docker',
      90,
      {
        image: 'agentsmith:latest',
        host: 'engine',
        port: 2376,
        network: 'agentsmith_default',
        resources: { memoryBytes: 512 * 1024 ** 2, cpus: 0.5, pidsLimit: 100 },
      },
    ]);
  });

  it('reports every problem at once, naming the valid spawner types', () => {
    const error = (() => {
      try {
        spawnerSettingsFromEnv({
          SPAWNER_TYPE: 'podman',
          AGENT_MEMORY: 'lots',
          IMAGE_PULL_POLICY: 'Sometimes',
        });
        return undefined;
      } catch (caught) {
        return caught as ConfigError;
      }
    })();

    expect(error?.problems).toEqual([
      'SPAWNER_TYPE: "podman" is not a spawner type; valid values: docker, kubernetes',
      'AGENT_MEMORY: "lots" is not a memory size: use e.g. 512m, 4g or 2Gi',
      'IMAGE_PULL_POLICY: "Sometimes" must be Always, IfNotPresent or Never',
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

describe('spawners/agent-credentials', () => {
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

describe('spawners/docker-network', () => {
  it('finds container ids in cgroup v1, cgroup v2 and mountinfo lines', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const ids = containerIdsInProcFiles([
      `12:pids:/docker/${a}\n`,
      `0::/system.slice/docker-${b}.scope\n`,
      `1 2 3 / /etc/hostname rw - ext4 /var/lib/docker/containers/${a}/hostname`,
    ]);

    expect(ids).toEqual([a, b]);
  });
});

describe('spawners/job-exit-description', () => {
  it.each([
    [
      { exitCode: 137, oomKilled: true, memoryBytes: 64 * 1024 ** 2 },
      {
        reason: 'out_of_memory',
        exitCode: 137,
        message: 'out of memory, exit 137 (memory limit 64 MiB)',
      },
    ],
    [
      { exitCode: 143, stopped: true },
      { reason: 'stopped', exitCode: 143, message: 'stopped by the dispatcher, exit 143' },
    ],
    [
      { exitCode: 2 },
      { reason: 'exited', exitCode: 2, message: 'usage or configuration error (exit 2)' },
    ],
    [{ exitCode: -1 }, { reason: 'exited', message: 'ended with an unknown exit code' }],
  ])('describes %j', (facts, expected) => {
    expect(describeExit('000000000001', facts)).toEqual({ jobId: '000000000001', ...expected });
  });
});
