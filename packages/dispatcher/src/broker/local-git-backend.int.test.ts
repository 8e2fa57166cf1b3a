import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitTestRepo, type GitTestRepo } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalGitUnavailable, serveLocalGit } from './local-git-backend.js';

const exec = promisify(execFile);

describe('broker/local-git-backend (real git http-backend)', () => {
  let repo: GitTestRepo;
  let bin: string;
  let realGit: string;
  let realEnv: string;

  beforeAll(async () => {
    repo = await gitTestRepo({ 'README.md': '# app\n' });
    bin = await mkdtemp(join(tmpdir(), 'local-git-bin-'));
    realGit = (await exec('sh', ['-c', 'command -v git'])).stdout.trim();
    realEnv = (await exec('sh', ['-c', 'command -v env'])).stdout.trim();
  });
  afterAll(async () => {
    await repo.cleanup();
    await rm(bin, { recursive: true, force: true });
  });

  /** A `git` in `bin` that runs `script` (with the real git as $REAL_GIT). */
  async function fakeGit(script: string): Promise<void> {
    const path = join(bin, 'git');
    await writeFile(path, `#!/bin/sh\nREAL_GIT='${realGit}'\n${script}\n`);
    await chmod(path, 0o755);
  }

  const advertisement = (
    repository: string,
    options: { searchPath?: string; timeoutMs?: number } = {},
  ) =>
    serveLocalGit({
      repository,
      method: 'GET',
      path: '/info/refs',
      query: 'service=git-upload-pack',
      headers: {},
      remoteUser: 'test',
      searchPath: options.searchPath ?? process.env['PATH'],
      ...options,
    });

  it('streams the ref advertisement of a working copy and of a bare repository', async () => {
    for (const repository of [repo.work, repo.origin]) {
      const answer = await advertisement(repository);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(
        'application/x-git-upload-pack-advertisement',
      );
      expect(await answer.text()).toContain('refs/heads/main');
    }
  });

  it("gives git only PATH of the dispatcher's environment, and the hardening configuration", async () => {
    const dump = join(bin, 'env.txt');
    await fakeGit(`'${realEnv}' > '${dump}'\necho "$@" >> '${dump}'\nexec "$REAL_GIT" "$@"`);
    const answer = await advertisement(repo.work, { searchPath: bin });
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();
    const seen = await readFile(dump, 'utf8');
    const names = seen
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.slice(0, line.indexOf('=')));
    // What the shell adds itself (PWD, SHLVL, _) aside, only PATH, git's and the CGI variables.
    const expected =
      /^(PATH|PWD|SHLVL|_|GIT_[A-Z_]+|[A-Z]+_(METHOD|INFO|STRING|TYPE|LENGTH|USER))$/;
    expect(names.filter((name) => !expected.test(name))).toEqual([]);
    expect(seen).toContain(`PATH=${bin}\n`);
    expect(seen).toContain('GIT_CONFIG_NOSYSTEM=1');
    expect(seen).toContain('GIT_CONFIG_GLOBAL=/dev/null');
    expect(seen).toContain(
      '-c core.hooksPath=/dev/null -c receive.fsckObjects=true -c receive.denyCurrentBranch=refuse -c core.fsmonitor=false -c receive.autogc=false -c pack.threads=1 -c http.receivepack=true',
    );
  });

  it('says git is missing when it is not on PATH', async () => {
    const refused = advertisement(repo.work, { searchPath: join(bin, 'nothing-here') });
    await expect(refused).rejects.toBeInstanceOf(LocalGitUnavailable);
    await expect(refused).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining(
        `git is not installed on the dispatcher (needed to serve local source ${repo.work})`,
      ) as string,
    });
  });

  it('says a path that is not a repository is not one, with the fix', async () => {
    await expect(advertisement(bin)).rejects.toMatchObject({
      status: 503,
      problem: `the local source ${bin} is not a git repository`,
      fix: expect.stringContaining("point the project's source.path") as string,
    });
  });

  it('stops git, with what it started, once the time is up', async () => {
    const marker = join(bin, 'late.txt');
    await fakeGit(`sleep 2; touch '${marker}'`);
    const started = Date.now();
    await expect(advertisement(repo.work, { searchPath: bin, timeoutMs: 200 })).rejects.toThrow(
      /ended before its headers/,
    );
    expect(Date.now() - started).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await expect(readFile(marker)).rejects.toThrow(/ENOENT/);
  }, 15_000);
});
