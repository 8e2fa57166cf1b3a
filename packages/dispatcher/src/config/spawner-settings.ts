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

/** Settings of the Docker spawner (`SPAWNER_TYPE=docker`), read by `loadDispatcherConfig`. */
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

/** Settings of the Kubernetes spawner (`SPAWNER_TYPE=kubernetes`). */
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

/** Where the Kubernetes spawner finds its cluster. */
export interface KubeconfigSource {
  /** Running in a Pod (`KUBERNETES_SERVICE_HOST` set): use the in-cluster service account. */
  inCluster: boolean;
  /** Outside a cluster: the first file of `KUBECONFIG`; unset = `~/.kube/config`. */
  file?: string;
}

/** The spawner `SPAWNER_TYPE` names, with only the settings that engine uses. */
export type SpawnerSettings =
  | {
      type: 'docker';
      docker: DockerSpawnerSettings;
      /** Allow-listed variables of the dispatcher's environment, copied into every agent. */
      agentEnv: Readonly<Record<string, string>>;
    }
  | { type: 'kubernetes'; kubernetes: KubernetesSpawnerSettings; kubeconfig: KubeconfigSource };
