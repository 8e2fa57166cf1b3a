import { ConfigError, parseDuration } from '@agentsmith/kit';

/** Limits applied to every agent container or Pod. */
export interface AgentResources {
  /** Memory limit in bytes (`AGENT_MEMORY`, default 4g). */
  memoryBytes: number;
  /** CPU limit in cores (`AGENT_CPUS`, default 2). */
  cpus: number;
  /** Most processes the agent may run at once (`AGENT_PIDS_LIMIT`, default 512). */
  pidsLimit: number;
  /** Size limit of /workspace (`AGENT_WORKSPACE_SIZE`, default 2g); unset = the default. */
  workspaceBytes?: number;
  /** Size limit of /tmp (`AGENT_TMP_SIZE`, default 512m); unset = the default. */
  tmpBytes?: number;
}

export const DEFAULT_WORKSPACE_BYTES = 2 * 1024 ** 3;
export const DEFAULT_TMP_BYTES = 512 * 1024 ** 2;

/** Settings of {@link DockerJobSpawner}; parsed from the environment by {@link spawnerSettingsFromEnv}. */
export interface DockerSpawnerSettings {
  image: string;
  /** Unix socket path (from `DOCKER_HOST=unix://…`, default `/var/run/docker.sock`). */
  socketPath?: string;
  /** TCP engine (from `DOCKER_HOST=tcp://host:port`). */
  host?: string;
  port?: number;
  /** Network to join; unset = the dispatcher's own network, auto-detected. */
  network?: string;
  resources: AgentResources;
}

/** Settings of {@link KubernetesJobSpawner}. */
export interface KubernetesSpawnerSettings {
  image: string;
  namespace: string;
  secretName: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Seconds a finished Job stays before the cluster deletes it. */
  ttlSecondsAfterFinished: number;
  resources: AgentResources;
  /** Requests (what the scheduler reserves); limits come from `resources`. */
  memoryRequestBytes: number;
  cpuRequest: number;
}

export interface SpawnerSettings {
  type: 'docker' | 'kubernetes';
  /** `JOB_MAX_DURATION` in seconds (default 60m). */
  maxDurationSeconds: number;
  /** Path of the `agentsmith.yml` delivered to every agent (`AGENTSMITH_CONFIG`). */
  configPath: string;
  docker: DockerSpawnerSettings;
  kubernetes: KubernetesSpawnerSettings;
}

export const SPAWNER_TYPES = ['docker', 'kubernetes'] as const;
export const DEFAULT_AGENT_IMAGE = 'agentsmith:latest';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
};

/** Parses `4g`, `512m`, `2Gi`, `536870912` into bytes. */
export function parseMemory(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[(match?.[2] ?? 'x').toLowerCase()];
  if (!match || unit === undefined)
    throw new Error(`"${text}" is not a memory size: use e.g. 512m, 4g or 2Gi`);
  return Math.round(Number(match[1]) * unit);
}

/**
 * Reads the spawner variables of interfaces.md from `env` (passed in, never read globally) and
 * reports every problem at once.
 */
export function spawnerSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): SpawnerSettings {
  const problems: string[] = [];
  const read = <T>(
    name: string,
    fallback: string,
    parse: (text: string) => T,
    defaultValue: T,
  ): T => {
    const text = env[name]?.trim() || fallback;
    try {
      return parse(text);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return defaultValue;
    }
  };
  const positive = (text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`"${text}" must be a positive number`);
    return value;
  };

  const type = read(
    'SPAWNER_TYPE',
    'kubernetes',
    (text) => {
      const value = text.toLowerCase();
      if (!(SPAWNER_TYPES as readonly string[]).includes(value)) {
        throw new Error(
          `"${text}" is not a spawner type; valid values: ${SPAWNER_TYPES.join(', ')}`,
        );
      }
      return value as SpawnerSettings['type'];
    },
    'kubernetes' as const,
  );
  const image = env['AGENTSMITH_IMAGE']?.trim() || DEFAULT_AGENT_IMAGE;
  const resources: AgentResources = {
    memoryBytes: read('AGENT_MEMORY', '4g', parseMemory, 4 * 1024 ** 3),
    cpus: read('AGENT_CPUS', '2', positive, 2),
    pidsLimit: read('AGENT_PIDS_LIMIT', '512', (text) => Math.floor(positive(text)), 512),
    workspaceBytes: read('AGENT_WORKSPACE_SIZE', '2g', parseMemory, DEFAULT_WORKSPACE_BYTES),
    tmpBytes: read('AGENT_TMP_SIZE', '512m', parseMemory, DEFAULT_TMP_BYTES),
  };
  const engine = read('DOCKER_HOST', 'unix:///var/run/docker.sock', parseDockerHost, {
    socketPath: '/var/run/docker.sock',
  });
  const network = env['DOCKER_NETWORK']?.trim();
  const pullPolicy = read(
    'IMAGE_PULL_POLICY',
    'IfNotPresent',
    (text) => {
      if (text !== 'Always' && text !== 'IfNotPresent' && text !== 'Never')
        throw new Error(`"${text}" must be Always, IfNotPresent or Never`);
      return text;
    },
    'IfNotPresent' as const,
  );
  const settings: SpawnerSettings = {
    type,
    maxDurationSeconds: read(
      'JOB_MAX_DURATION',
      '60m',
      (text) => Math.ceil(parseDuration(text) / 1000),
      3600,
    ),
    configPath: env['AGENTSMITH_CONFIG']?.trim() || 'config/agentsmith.yml',
    docker: { image, ...engine, ...(network ? { network } : {}), resources },
    kubernetes: {
      image,
      namespace: env['K8S_NAMESPACE']?.trim() || 'agentsmith',
      secretName: env['K8S_SECRET_NAME']?.trim() || 'agentsmith-secrets',
      imagePullPolicy: pullPolicy,
      ttlSecondsAfterFinished: read(
        'K8S_JOB_TTL_SECONDS',
        '300',
        (text) => Math.floor(positive(text)),
        300,
      ),
      resources,
      memoryRequestBytes: read('AGENT_MEMORY_REQUEST', '512m', parseMemory, 512 * 1024 ** 2),
      cpuRequest: read('AGENT_CPU_REQUEST', '0.25', positive, 0.25),
    },
  };
  if (problems.length > 0)
    throw new ConfigError(`invalid spawner settings: ${problems.join('; ')}`, problems);
  return settings;
}

function parseDockerHost(
  text: string,
): Pick<DockerSpawnerSettings, 'socketPath' | 'host' | 'port'> {
  if (text.startsWith('unix://')) return { socketPath: text.slice('unix://'.length) };
  const match = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(text);
  if (match?.[1]) return { host: match[1], port: Number(match[2] ?? 2375) };
  throw new Error(
    `"${text}" is not a Docker address: use unix:///var/run/docker.sock or tcp://host:2375`,
  );
}
