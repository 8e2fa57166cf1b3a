import { describe, expect, it } from 'vitest';
import { checkCreateContainer } from './create-policy.js';
import type { GatePolicy } from './gate-policy.js';

const policy: GatePolicy = {
  images: ['agentsmith:latest', 'agentsmith-project-*:v1'],
  network: 'agentsmith_agents',
  archiveDirectories: ['/etc/agentsmith'],
};

const NAME = 'agentsmith-0123456789ab';

/** The body dockerode sends for the Docker spawner's container (docker-container-spec.ts). */
function agentCreate(): Record<string, unknown> {
  return {
    name: NAME,
    Image: 'agentsmith:latest',
    Cmd: ['--headless', '--job-id', '0123456789ab', 'fix #58 in demo'],
    Labels: {
      'com.docker.compose.project': '',
      app: 'agentsmith',
      'job-id': '0123456789ab',
      'managed-by': 'agentsmith-dispatcher',
    },
    Env: ['AGENTSMITH_WORKDIR=/workspace'],
    User: '1000:1000',
    WorkingDir: '/workspace',
    StopSignal: 'SIGTERM',
    HostConfig: {
      AutoRemove: true,
      Init: true,
      NetworkMode: 'agentsmith_agents',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      PidsLimit: 512,
      Memory: 4 * 1024 ** 3,
      MemorySwap: 4 * 1024 ** 3,
      NanoCpus: 2e9,
      Mounts: [{ Type: 'volume', Source: '', Target: '/etc/agentsmith' }],
      Tmpfs: {
        '/workspace': 'rw,exec,nosuid,nodev,size=2147483648,uid=1000,gid=1000,mode=0755',
        '/home/node': 'rw,nosuid,size=256m,uid=1000,gid=1000,mode=0700',
      },
    },
    NetworkingConfig: { EndpointsConfig: { agentsmith_agents: {} } },
  };
}

function withHost(changes: Record<string, unknown>): Record<string, unknown> {
  const body = agentCreate();
  return { ...body, HostConfig: { ...(body['HostConfig'] as object), ...changes } };
}

function reason(body: unknown, name = NAME): string {
  const decision = checkCreateContainer(name, body, policy);
  return decision.refused ? decision.reason : 'allowed';
}

describe('docker-gate/create-policy', () => {
  it("allows the spawner's agent container, and an image matching a pattern", () => {
    expect([
      reason(agentCreate()),
      reason({ ...agentCreate(), Image: 'agentsmith-project-demo:v1' }),
    ]).toEqual(['allowed', 'allowed']);
  });

  it('forwards what it checked', () => {
    const decision = checkCreateContainer(NAME, agentCreate(), policy);

    expect(decision.refused ? decision.reason : decision.body).toEqual(agentCreate());
  });

  it.each([
    [
      'a privileged container',
      withHost({ Privileged: true }),
      'HostConfig.Privileged is not allowed on an agent container',
    ],
    [
      'a bind mount of /',
      withHost({ Binds: ['/:/host'] }),
      'HostConfig.Binds is not allowed on an agent container',
    ],
    [
      'a bind mount through Mounts',
      withHost({ Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] }),
      'HostConfig.Mounts.0.Type: only anonymous volumes are allowed',
    ],
    [
      'a named volume',
      withHost({ Mounts: [{ Type: 'volume', Source: 'data', Target: '/data' }] }),
      'HostConfig.Mounts.0.Source: named volumes are not allowed, only anonymous ones',
    ],
    [
      'a volume whose driver options bind the host',
      withHost({
        Mounts: [
          {
            Type: 'volume',
            Source: '',
            Target: '/data',
            VolumeOptions: { DriverConfig: { Options: { o: 'bind', device: '/' } } },
          },
        ],
      }),
      'HostConfig.Mounts.0.VolumeOptions is not allowed on an agent container',
    ],
    [
      'devices',
      withHost({ Devices: [{ PathOnHost: '/dev/sda' }] }),
      'HostConfig.Devices is not allowed on an agent container',
    ],
    [
      'added capabilities',
      withHost({ CapAdd: ['SYS_ADMIN'] }),
      'HostConfig.CapAdd is not allowed on an agent container',
    ],
    [
      'a kept capability',
      withHost({ CapDrop: ['NET_RAW'] }),
      'HostConfig.CapDrop: CapDrop must be exactly ["ALL"]',
    ],
    [
      'the host network',
      withHost({ NetworkMode: 'host' }),
      'NetworkMode host is not the agent network agentsmith_agents (host, container: and other networks are refused)',
    ],
    [
      'another container’s network',
      withHost({ NetworkMode: 'container:dispatcher' }),
      'NetworkMode container:dispatcher is not the agent network agentsmith_agents (host, container: and other networks are refused)',
    ],
    [
      'the host PID namespace',
      withHost({ PidMode: 'host' }),
      'HostConfig.PidMode is not allowed on an agent container',
    ],
    [
      'the host IPC namespace',
      withHost({ IpcMode: 'host' }),
      'HostConfig.IpcMode is not allowed on an agent container',
    ],
    [
      'the host UTS namespace',
      withHost({ UTSMode: 'host' }),
      'HostConfig.UTSMode is not allowed on an agent container',
    ],
    [
      'the host user namespace',
      withHost({ UsernsMode: 'host' }),
      'HostConfig.UsernsMode is not allowed on an agent container',
    ],
    [
      'an unconfined seccomp profile',
      withHost({ SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }),
      'HostConfig.SecurityOpt: SecurityOpt must be exactly no-new-privileges',
    ],
    [
      'no no-new-privileges',
      withHost({ SecurityOpt: [] }),
      'HostConfig.SecurityOpt: SecurityOpt must be exactly no-new-privileges',
    ],
    [
      'a writable root',
      withHost({ ReadonlyRootfs: false }),
      'HostConfig.ReadonlyRootfs: ReadonlyRootfs must be true',
    ],
    [
      'no init',
      withHost({ Init: false }),
      'HostConfig.Init: Init must be true (an init reaps what tool commands leave)',
    ],
    [
      'no memory limit',
      withHost({ Memory: 0 }),
      'HostConfig.Memory: Too small: expected number to be >0',
    ],
    [
      'no pids limit',
      withHost({ PidsLimit: undefined }),
      'HostConfig.PidsLimit is required on an agent container',
    ],
    [
      'swap beyond the memory limit',
      withHost({ MemorySwap: -1 }),
      'HostConfig.MemorySwap: Too small: expected number to be >0',
    ],
    [
      'a tmpfs without a size',
      withHost({ Tmpfs: { '/workspace': 'rw,exec' } }),
      'HostConfig.Tmpfs./workspace: a tmpfs needs a size= limit',
    ],
    [
      'a tmpfs with other options',
      withHost({ Tmpfs: { '/workspace': 'size=1m,dev,suid' } }),
      'HostConfig.Tmpfs./workspace: tmpfs options may only be rw, ro, exec, noexec, nosuid, nodev, size, uid, gid and mode',
    ],
    [
      'a case variant of HostConfig',
      { ...agentCreate(), hostconfig: { Privileged: true } },
      'hostconfig is not allowed on an agent container',
    ],
    [
      'anonymous volumes by the old Volumes field',
      { ...agentCreate(), Volumes: { '/data': {} } },
      'Volumes is not allowed on an agent container',
    ],
    [
      'another image',
      { ...agentCreate(), Image: 'alpine:latest' },
      'image alpine:latest is not an agent image this gate allows (agentsmith:latest, agentsmith-project-*:v1)',
    ],
    [
      'the root user',
      { ...agentCreate(), User: '0:0' },
      'User: User must be a numeric non-root uid:gid, e.g. 1000:1000',
    ],
    [
      'a user by name',
      { ...agentCreate(), User: 'root' },
      'User: User must be a numeric non-root uid:gid, e.g. 1000:1000',
    ],
    [
      'no label',
      { ...agentCreate(), Labels: { app: 'agentsmith' } },
      'the label managed-by=agentsmith-dispatcher is required',
    ],
    [
      'another entrypoint',
      { ...agentCreate(), Entrypoint: ['/bin/sh'] },
      'Entrypoint is not allowed on an agent container',
    ],
    [
      'a second network',
      {
        ...agentCreate(),
        NetworkingConfig: { EndpointsConfig: { agentsmith_agents: {}, bridge: {} } },
      },
      'the container may join only the agent network agentsmith_agents',
    ],
    ['no body', null, 'the create body must be a JSON object'],
  ])('refuses %s', (_what, body, expected) => {
    expect(reason(body)).toBe(expected);
  });

  it('refuses a container name that is not an agent’s, and a body that names another', () => {
    expect([
      reason(agentCreate(), 'dispatcher'),
      reason(agentCreate(), ''),
      reason({ ...agentCreate(), name: 'agentsmith-other' }),
    ]).toEqual([
      'the container name must be agentsmith-<job id>, got "dispatcher"',
      'the container name must be agentsmith-<job id>, got ""',
      'the name in the body differs from the name in the query',
    ]);
  });
});
