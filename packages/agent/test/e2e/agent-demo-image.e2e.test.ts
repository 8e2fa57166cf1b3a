import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireDocker } from '@agentsmith/testkit';
import { beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../../..');
/** This checkout's build (others may rebuild agentsmith:latest meanwhile); layers are cached. */
const IMAGE = 'agentsmith:demo-build';

/**
 * The agent image carries the demo (sample repository, ticket, recording): `docker run … demo`
 * fixes the sample with no network at all, in the spawners' sandbox (read-only, no capabilities).
 */
describe('agentsmith demo in the agent image', () => {
  beforeAll(async () => {
    await requireDocker();
    await exec('docker', ['build', '-q', '-f', 'deploy/Dockerfile.agent', '-t', IMAGE, '.'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
  }, 1_800_000);

  it('ends with the fix tested on fix/1, without a network', async () => {
    const { stdout } = await exec(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--read-only',
        '--tmpfs',
        '/tmp',
        '--tmpfs',
        '/workspace',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        IMAGE,
        'demo',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );

    expect(stdout).toMatch(/^Agent Smith demo: a REPLAY/);
    expect(stdout).toContain('[6/7] completed');
    expect(stdout).toContain('Tests pass (npm test)');
    expect(stdout).toMatch(/\[replay\] branch fix\/1 of \/tmp\/agentsmith-demo-\w+\/repository/);
  });
});
