import { ConfigError } from '@agentsmith/kit';
import type { GatePolicy } from '../policy/gate-policy.js';

/** Everything the gate needs, read from its environment once at start. */
export interface GateConfig {
  policy: GatePolicy;
  socketPath: string;
  port: number;
}

/** The agent's configuration directory (packages/dispatcher/src/spawners/agent-credentials.ts). */
const DEFAULT_ARCHIVE_DIRECTORY = '/etc/agentsmith';

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * Reads `DOCKER_GATE_IMAGES` (comma-separated agent images, `*` matches any characters),
 * `DOCKER_GATE_NETWORK` (the agents' network), `DOCKER_GATE_SOCKET` and `DOCKER_GATE_PORT`,
 * reporting every problem at once.
 */
export function gateConfigFromEnv(env: Readonly<Record<string, string | undefined>>): GateConfig {
  const problems: string[] = [];
  const images = list(env['DOCKER_GATE_IMAGES']);
  if (images.length === 0)
    problems.push('DOCKER_GATE_IMAGES: name the agent image(s), e.g. agentsmith:latest');
  const network = env['DOCKER_GATE_NETWORK']?.trim() ?? '';
  if (!network) problems.push('DOCKER_GATE_NETWORK: name the network agent containers join');
  const portText = env['DOCKER_GATE_PORT']?.trim() || '2375';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    problems.push(`DOCKER_GATE_PORT: "${portText}" is not a TCP port`);
  if (problems.length > 0)
    throw new ConfigError(`invalid docker-gate settings: ${problems.join('; ')}`, problems);
  return {
    policy: { images, network, archiveDirectories: [DEFAULT_ARCHIVE_DIRECTORY] },
    socketPath: env['DOCKER_GATE_SOCKET']?.trim() || '/var/run/docker.sock',
    port,
  };
}
