import { CallTimeoutError } from '@agentsmith/kit';

/** True when a dockerode error carries this HTTP status. */
export function isStatus(error: unknown, status: number): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === status;
}

/** Why the Docker engine cannot be used, and whether that is because it is not reachable. */
export interface DockerEngineProblem {
  /** No engine answered (no socket, no permission, nothing listening): try again later. */
  unreachable: boolean;
  /** In words an operator can act on. */
  message: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT']);

/** Classifies an engine call's failure by its system error code (never by message text). */
export function dockerEngineProblem(error: unknown, address: string): DockerEngineProblem {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    return {
      unreachable: true,
      message: `no Docker socket at ${address}: set DOCKER_HOST to the docker-gate (docker-compose.yml sets tcp://docker-gate:2375) or mount the socket`,
    };
  }
  if (code === 'EACCES') {
    return {
      unreachable: true,
      message: `permission denied on the Docker socket ${address}: use the docker-gate (DOCKER_HOST=tcp://docker-gate:2375), or run the dispatcher with the socket's group`,
    };
  }
  if (error instanceof CallTimeoutError) {
    return {
      unreachable: true,
      message: `the Docker engine at ${address} is not answering: ${error.message} (is dockerd, or the docker-gate service, overloaded or hung?)`,
    };
  }
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return {
      unreachable: true,
      message: `cannot reach the Docker engine at ${address} (${code}): is dockerd (or the docker-gate service) running?`,
    };
  }
  return {
    unreachable: false,
    message: `Docker engine at ${address} answered with an error: ${error instanceof Error ? error.message : String(error)}`,
  };
}
