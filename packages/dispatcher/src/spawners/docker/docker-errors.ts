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
    return `no Docker socket at ${address}: mount /var/run/docker.sock into the dispatcher (docker-compose.yml does) or set DOCKER_HOST`;
  }
  if (code === 'EACCES') {
    return `permission denied on the Docker socket ${address}: run the dispatcher with the socket's group (compose group_add: DOCKER_GID)`;
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENOTFOUND' ||
    code === 'ETIMEDOUT'
  ) {
    return `cannot reach the Docker engine at ${address} (${code}): is dockerd running?`;
  }
  return `Docker engine at ${address} answered with an error: ${error instanceof Error ? error.message : String(error)}`;
}
