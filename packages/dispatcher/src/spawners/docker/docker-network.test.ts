import { describe, expect, it } from 'vitest';
import { containerIdsInProcFiles } from './docker-network.js';

describe('spawners/docker-network', () => {
  it('finds container ids in cgroup v1, cgroup v2 and mountinfo lines', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const ids = containerIdsInProcFiles([
      `12:pids:/docker/${a}\n`,
      `0::/system.slice/docker-${b}.scope\n`,
      `1 2 3 / /etc/hostname rw - ext4 /var/lib/docker/containers/${a}/hostname`,
    ]);

    expect(ids).toEqual([a, b]);
  });
});
