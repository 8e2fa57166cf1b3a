import { AGENT_CONFIG_PATH_ENV, AGENT_CONFIG_TEXT_ENV } from './agent-environment.js';

/** Where `agentsmith.yml` is looked for when neither `--config` nor the environment says. */
export const DEFAULT_CONFIG_PATH = 'config/agentsmith.yml';

/**
 * Inside an agent container the configuration is never baked into the image nor a host path.
 * Kubernetes mounts it from a ConfigMap as this file; Docker sets its text in the environment
 * when it is small enough (see {@link agentConfigDelivery}), else copies it into a volume here.
 */
export const AGENT_CONFIG_DIRECTORY = '/etc/agentsmith';
export const AGENT_CONFIG_FILENAME = 'agentsmith.yml';
export const AGENT_CONFIG_FILE = `${AGENT_CONFIG_DIRECTORY}/${AGENT_CONFIG_FILENAME}`;

/** The writable workspace inside every agent container (`AGENTSMITH_WORKDIR`). */
export const AGENT_WORKSPACE = '/workspace';

/** How messages name where the configuration came from: the file's path, or the variable. */
export function configSourceName(from: AgentConfigSource): string {
  return 'path' in from ? from.path : from.source;
}

/**
 * The largest configuration set as {@link AGENT_CONFIG_TEXT_ENV}. Linux refuses a single
 * environment string over 128 KiB at exec; a configuration this large is copied as a file instead.
 */
export const INLINE_CONFIG_MAX_BYTES = 64 * 1024;

/** How a spawner hands the agent its configuration: its text in the environment, or the file. */
export type AgentConfigDelivery = { as: 'text'; text: string } | { as: 'file' };

/**
 * Inline when it fits and an environment variable can carry it: copying a file into the
 * container takes the engine one more call between create and start (about 40 ms with Docker),
 * on the path from a request to a running agent.
 */
export function agentConfigDelivery(text: string): AgentConfigDelivery {
  // An environment string cannot hold a NUL, and empty text would read as "not set" (the file
  // then says what is wrong with it).
  const inline =
    Buffer.byteLength(text, 'utf8') <= INLINE_CONFIG_MAX_BYTES &&
    !text.includes('\0') &&
    text.trim() !== '';
  return inline ? { as: 'text', text } : { as: 'file' };
}

/** Where the configuration comes from: a file to read, or text a spawner set in the environment. */
export type AgentConfigSource = { path: string } | { text: string; source: string };

/**
 * The configuration to load: the `--config` flag, else the text in `$AGENTSMITH_CONFIG_TEXT`,
 * else the file `$AGENTSMITH_CONFIG`, else `config/agentsmith.yml`.
 */
export function resolveConfigSource(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): AgentConfigSource {
  const text = env[AGENT_CONFIG_TEXT_ENV];
  if ((flag === undefined || flag.trim() === '') && text !== undefined && text.trim() !== '') {
    return { text, source: `$${AGENT_CONFIG_TEXT_ENV}` };
  }
  return { path: resolveConfigPath(flag, env) };
}

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
