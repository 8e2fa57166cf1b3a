/** True when a dockerode error carries this HTTP status. */
export function isStatus(error: unknown, status: number): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === status;
}

/**
 * Why the Docker engine cannot be used, in words an operator can act on. Messages start with
 * "no Docker", "permission" or "cannot reach" when the engine itself is unreachable.
 */
export function dockerEngineProblem(error: unknown, address: string): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') {
    return `no Docker socket at ${address}: set DOCKER_HOST to the docker-gate (docker-compose.yml sets tcp://docker-gate:2375) or mount the socket`;
  }
  if (code === 'EACCES') {
    return `permission denied on the Docker socket ${address}: use the docker-gate (DOCKER_HOST=tcp://docker-gate:2375), or run the dispatcher with the socket's group`;
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT'
  ) {
    return `cannot reach the Docker engine at ${address} (${code}): is dockerd (or the docker-gate service) running?`;
  }
  return `Docker engine at ${address} answered with an error: ${error instanceof Error ? error.message : String(error)}`;
}
