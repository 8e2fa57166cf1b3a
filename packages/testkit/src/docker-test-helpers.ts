import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Label every container and image a test run creates, so `removeTestContainers` finds them. */
export const TEST_RUN_LABEL = 'agentsmith.test-run';
export const testRunId = randomUUID().slice(0, 8);

/** A dockerode client for `DOCKER_HOST` or the default socket. */
export function testDocker(): Docker {
  return new Docker();
}

/**
 * Resolves when a Docker engine answers; otherwise throws a message that says how to get one.
 * Docker-tier tests call this in `beforeAll`: on CI a missing engine is a failure, not a skip.
 */
export async function requireDocker(docker = testDocker()): Promise<Docker> {
  try {
    await docker.ping();
    return docker;
  } catch (error) {
    throw new Error(
      `Docker-tier tests need a running Docker engine (run scripts/provision.sh as root): ${String(error)}`,
      { cause: error },
    );
  }
}

/** Builds an image with the real `docker build` CLI from a folder holding a Dockerfile. */
export async function dockerBuild(
  contextDir: string,
  tag: string,
  dockerfile?: string,
): Promise<void> {
  const args = ['build', '--quiet', '--label', `${TEST_RUN_LABEL}=${testRunId}`, '-t', tag];
  if (dockerfile) args.push('-f', dockerfile);
  args.push(contextDir);
  try {
    await exec('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`docker build of ${tag} failed: ${stderr.slice(-2000)}`, { cause: error });
  }
}

/** Removes every container carrying this run's test label (running or not). */
export async function removeTestContainers(docker = testDocker()): Promise<void> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${TEST_RUN_LABEL}=${testRunId}`] },
  });
  await Promise.all(
    containers.map((info) =>
      docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

/** True when a container with this id or name still exists. */
export async function containerExists(docker: Docker, idOrName: string): Promise<boolean> {
  try {
    await docker.getContainer(idOrName).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}
