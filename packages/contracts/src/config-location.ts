import { AGENT_CONFIG_PATH_ENV } from './agent-environment.js';

/** Where `agentsmith.yml` is looked for when neither `--config` nor the environment says. */
export const DEFAULT_CONFIG_PATH = 'config/agentsmith.yml';

/**
 * Inside an agent container the spawners deliver the configuration as this file (never baked
 * into the image, never a host path): Docker copies it into a volume, Kubernetes mounts a ConfigMap.
 */
export const AGENT_CONFIG_DIRECTORY = '/etc/agentsmith';
export const AGENT_CONFIG_FILENAME = 'agentsmith.yml';
export const AGENT_CONFIG_FILE = `${AGENT_CONFIG_DIRECTORY}/${AGENT_CONFIG_FILENAME}`;

/** The writable workspace inside every agent container (`AGENTSMITH_WORKDIR`). */
export const AGENT_WORKSPACE = '/workspace';

/**
 * The configuration file to load: the `--config` flag, else `$AGENTSMITH_CONFIG`, else
 * `config/agentsmith.yml`. The agent and the dispatcher both resolve it this way.
 */
export function resolveConfigPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag !== undefined && flag.trim() !== '') return flag;
  const fromEnv = env[AGENT_CONFIG_PATH_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
  return DEFAULT_CONFIG_PATH;
}
