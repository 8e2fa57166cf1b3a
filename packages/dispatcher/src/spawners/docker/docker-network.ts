import type Docker from 'dockerode';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isStatus } from './docker-errors.js';

/** Where the dispatcher can learn its own container id. */
export interface SelfIdentity {
  hostname: () => string;
  /** Text of /proc/self/mountinfo and /proc/self/cgroup (either may be empty). */
  procFiles: () => Promise<string[]>;
}

const defaultIdentity: SelfIdentity = {
  hostname,
  procFiles: () =>
    Promise.all(
      ['/proc/self/mountinfo', '/proc/self/cgroup'].map((path) =>
        readFile(path, 'utf8').catch(() => ''),
      ),
    ),
};

/** Container ids (64 hex) mentioned in /proc files: `/docker/containers/<id>/…` or `docker-<id>.scope`. */
export function containerIdsInProcFiles(texts: readonly string[]): string[] {
  const ids = new Set<string>();
  const pattern = /(?:containers\/|docker[-/])([0-9a-f]{64})/g;
  for (const text of texts)
    for (const match of text.matchAll(pattern)) if (match[1]) ids.add(match[1]);
  return [...ids];
}

/**
 * The network an agent container must join to reach `redis:6379` by name: the dispatcher's own
 * network when it runs in a container (found by inspecting itself — hostname first, then the
 * container id in /proc), else the default `bridge`. Prefers a user-defined network over `bridge`,
 * because only user-defined networks resolve service names.
 */
export async function detectDockerNetwork(
  docker: Docker,
  identity: SelfIdentity = defaultIdentity,
): Promise<string> {
  const candidates = [identity.hostname(), ...containerIdsInProcFiles(await identity.procFiles())];
  for (const candidate of candidates) {
    try {
      const info = await docker.getContainer(candidate).inspect();
      const networks = Object.keys(info.NetworkSettings.Networks);
      const chosen =
        networks.find((name) => !['bridge', 'host', 'none'].includes(name)) ?? networks[0];
      if (chosen) return chosen;
    } catch (error) {
      // Not a container this engine knows: try the next candidate. Anything else (no socket, no
      // permission) is no answer at all, and guessing `bridge` would strand agents without Redis.
      if (!isStatus(error, 404)) throw error;
    }
  }
  return 'bridge';
}
