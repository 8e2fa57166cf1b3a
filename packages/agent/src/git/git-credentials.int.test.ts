import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_GIT_ENV } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../process/run-process.js';
import { credentialEnvironment } from './git-credentials.js';

describe('git/git-credentials (the helper, as git runs it)', () => {
  let cwd: string;

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'git-helper-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const fill = (host: string) =>
    runProcess('git', ['credential', 'fill'], {
      cwd,
      timeoutMs: 10_000,
      input: `protocol=https\nhost=${host}\npath=acme/demo.git\n\n`,
      env: {
        PATH: process.env['PATH'],
        ...TEST_GIT_ENV,
        ...credentialEnvironment(
          { username: 'x-access-token', password: 'ghs_helperProbe' },
          'https://git.example.com:8443/acme/demo.git',
        ),
      },
    });

  it('answers for the host of our remote', async () => {
    const result = await fill('git.example.com:8443');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('username=x-access-token\npassword=ghs_helperProbe\n');
  });

  it.each(['evil.example.com', 'git.example.com', 'git.example.com:8443.evil.net'])(
    'gives nothing to another host (%s)',
    async (host) => {
      const result = await fill(host);

      expect(result.exitCode).not.toBe(0);
      expect(result.stdout).not.toContain('ghs_helperProbe');
    },
  );
});
