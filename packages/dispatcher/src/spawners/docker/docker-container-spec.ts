import type Docker from 'dockerode';
import {
  AGENT_CONFIG_DIRECTORY,
  AGENT_WORKSPACE,
  agentArguments,
  agentContainerEnvironment,
  type AgentConfigDelivery,
  type JobSpec,
} from '@agentsmith/contracts';
import { jobLabels, jobName } from '../job-spawner.js';
import {
  DEFAULT_TMP_BYTES,
  DEFAULT_WORKSPACE_BYTES,
  type AgentResources,
} from '../../config/spawner-settings.js';

/** The agent image's unprivileged user (`node` in node:22-bookworm-slim). */
export const AGENT_USER = '1000:1000';

export interface DockerContainerSpecInput {
  spec: JobSpec;
  image: string;
  network: string;
  resources: Readonly<AgentResources>;
  /** Allow-listed credentials and overrides from the dispatcher's environment. */
  env: Readonly<Record<string, string>>;
  /**
   * The configuration, if there is one: its text in the environment, or a file copied to
   * /etc/agentsmith/agentsmith.yml between create and start.
   */
  config: AgentConfigDelivery | undefined;
}

/**
 * The create options of one agent container: the same arguments as the Kubernetes Job, the labels
 * of docs/deployment.md, `AutoRemove`, the dispatcher's network and a hardened, read-only sandbox whose
 * only writable places are the workspace, /tmp and a small home directory: size-limited tmpfs
 * mounts, because this engine's overlay2 storage driver cannot limit a volume or the container's
 * layer (StorageOpt needs xfs with project quotas). A configuration too large for the environment
 * goes into a volume (anonymous, removed with the container), filled (root-owned, read-only to the
 * agent) between create and start.
 * The Docker gate admits exactly this shape (packages/docker-gate).
 */
export function dockerContainerSpec(
  input: DockerContainerSpecInput,
): Docker.ContainerCreateOptions {
  const { spec, resources } = input;
  const env: Record<string, string> = {
    ...input.env,
    ...agentContainerEnvironment(spec, input.config),
  };
  return {
    name: jobName(spec.jobId),
    Image: input.image,
    Cmd: agentArguments(spec),
    // `docker compose build agentsmith` stamps the image with Compose's project labels, which the
    // container would inherit; blank them so Compose never counts an agent as its service.
    Labels: {
      'com.docker.compose.project': '',
      'com.docker.compose.service': '',
      ...jobLabels(spec),
    },
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    User: AGENT_USER,
    WorkingDir: AGENT_WORKSPACE,
    StopSignal: 'SIGTERM',
    HostConfig: {
      AutoRemove: true,
      // An init as PID 1 reaps what tool commands leave behind; Node as PID 1 would not.
      Init: true,
      NetworkMode: input.network,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      PidsLimit: resources.pidsLimit,
      Memory: resources.memoryBytes,
      MemorySwap: resources.memoryBytes,
      NanoCpus: Math.round(resources.cpus * 1e9),
      Mounts:
        input.config?.as === 'file'
          ? [{ Type: 'volume' as const, Source: '', Target: AGENT_CONFIG_DIRECTORY }]
          : [],
      // `exec`: builds and tests run what they write there (Docker's tmpfs default is noexec).
      Tmpfs: {
        [AGENT_WORKSPACE]: `rw,exec,nosuid,nodev,size=${resources.workspaceBytes ?? DEFAULT_WORKSPACE_BYTES},uid=1000,gid=1000,mode=0755`,
        '/tmp': `rw,exec,nosuid,nodev,size=${resources.tmpBytes ?? DEFAULT_TMP_BYTES},uid=1000,gid=1000,mode=1777`,
        '/home/node': 'rw,nosuid,size=256m,uid=1000,gid=1000,mode=0700',
      },
    },
    NetworkingConfig: { EndpointsConfig: { [input.network]: {} } },
  };
}
