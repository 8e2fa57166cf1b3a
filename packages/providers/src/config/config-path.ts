/** Where `agentsmith.yml` is looked for when neither `--config` nor the environment says. */
export const DEFAULT_CONFIG_PATH = 'config/agentsmith.yml';

/** The config file to load: `--config` > `$AGENTSMITH_CONFIG` > `config/agentsmith.yml`. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag.trim() !== '') return flag;
  const fromEnv = env['AGENTSMITH_CONFIG'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return DEFAULT_CONFIG_PATH;
}
