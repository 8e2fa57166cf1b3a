import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloneSource, GitHost } from '@agentsmith/providers';
import { createGitHost } from '@agentsmith/providers';
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
const TOKEN = 'ghs_secretTokenValue42';

/** A git host whose clone source is given; the default branch comes from git. */
function hostFor(source: CloneSource): GitHost {
  return {
    type: 'test',
    cloneSource: () => source,
    findDefaultBranch: () => Promise.resolve(null),
    ensurePullRequest: () => Promise.reject(new Error('not used')),
  };
}

describe('git/git-source-workspace', () => {
  let repo: GitTestRepo;
  let scratch: string;
  const env = { ...process.env, ...TEST_GIT_ENV };

  beforeEach(async () => {
    repo = await gitTestRepo(
      { 'src/app.js': 'export const answer = 41;\n', '.gitignore': 'node_modules\n' },
      'trunk',
    );
    scratch = await mkdtemp(join(tmpdir(), 'git-workspace-'));
  });

  afterEach(async () => {
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('clones, branches from the detected default branch, commits and pushes', async () => {
    const workspace = createGitSourceWorkspace({
      gitHost: hostFor({ url: `file://${repo.origin}` }),
      directory: join(scratch, 'clone'),
      env,
    });

    const checkedOut = await workspace.checkout('fix/58', { signal });
    await writeFile(join(checkedOut.path, 'src/app.js'), 'export const answer = 42;\n');
    await writeFile(join(checkedOut.path, 'src/new.js'), 'new\n');
    const changed = await workspace.changedFiles({ signal });
    const commit = await workspace.commitAndPush('fix: wrong answer (#58)', { signal });

    expect(checkedOut).toEqual({
      path: join(scratch, 'clone'),
      branch: 'fix/58',
      baseBranch: 'trunk',
    });
    expect(changed).toEqual(['src/app.js', 'src/new.js']);
    expect(commit?.changedFiles).toEqual(['src/app.js', 'src/new.js']);
    expect(await repo.originBranches()).toEqual(['fix/58', 'trunk']);
    expect(await repo.showInOrigin('fix/58:src/app.js')).toEqual('export const answer = 42;');
    expect(await git(repo.origin, 'log', '-1', '--format=%s|%an|%ae', 'fix/58')).toEqual(
      'fix: wrong answer (#58)|Agent Smith|agent-smith@noreply.local',
    );
    expect(await git(repo.origin, 'rev-parse', 'fix/58')).toEqual(commit?.sha);
  });

  it('returns null when nothing changed', async () => {
    const workspace = createGitSourceWorkspace({
      gitHost: hostFor({ url: repo.origin }),
      directory: join(scratch, 'clone'),
      env,
    });
    await workspace.checkout('fix/1', { signal });

    expect(await workspace.commitAndPush('fix: nothing (#1)', { signal })).toBeNull();
    expect(await repo.originBranches()).toEqual(['trunk']);
  });

  it('reuses a clone: fetches, resets, cleans, and force-pushes over an earlier run of the branch', async () => {
    const directory = join(scratch, 'clone');
    const first = createGitSourceWorkspace({
      gitHost: hostFor({ url: repo.origin }),
      directory,
      env,
    });
    await first.checkout('fix/7', { signal });
    await writeFile(join(directory, 'src/app.js'), 'first attempt\n');
    await first.commitAndPush('fix: first (#7)', { signal });
    await writeFile(join(directory, 'leftover.txt'), 'junk');
    await writeFile(join(directory, 'src/app.js'), 'uncommitted junk\n');
    await repo.commitAndPush({ 'src/other.js': 'upstream moved on\n' }, 'upstream change');

    const second = createGitSourceWorkspace({
      gitHost: hostFor({ url: repo.origin }),
      directory,
      env,
    });
    await second.checkout('fix/7', { signal });
    const clean = await second.changedFiles({ signal });
    await writeFile(join(directory, 'src/app.js'), 'second attempt\n');
    await second.commitAndPush('fix: second (#7)', { signal });

    expect(clean).toEqual([]);
    expect(await readdir(directory)).not.toContain('leftover.txt');
    expect(await repo.showInOrigin('fix/7:src/app.js')).toEqual('second attempt');
    expect(await repo.showInOrigin('fix/7:src/other.js')).toEqual('upstream moved on');
    expect(await git(repo.origin, 'rev-list', '--count', 'trunk..fix/7')).toEqual('1');
  });

  it('rejects the push when the remote branch moved since the fetch (lease)', async () => {
    const directory = join(scratch, 'clone');
    const workspace = createGitSourceWorkspace({
      gitHost: hostFor({ url: repo.origin }),
      directory,
      env,
    });
    await workspace.checkout('fix/3', { signal });
    // Someone else pushes fix/3 after our checkout.
    await git(repo.work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/fix/3');
    await writeFile(join(directory, 'src/app.js'), 'mine\n');

    await expect(workspace.commitAndPush('fix: mine (#3)', { signal })).rejects.toMatchObject({
      code: 'git_push_rejected',
    });
  });

  it('pushes a local source back into the working copy it came from', async () => {
    const host = createGitHost({ type: 'local', path: repo.work }, {});
    const workspace = createGitSourceWorkspace({
      gitHost: host,
      directory: join(scratch, 'clone'),
      env,
    });

    const checkedOut = await workspace.checkout('fix/2', { signal });
    await writeFile(join(checkedOut.path, 'README.md'), '# changed\n');
    await workspace.commitAndPush('fix: readme (#2)', { signal });

    expect(checkedOut.baseBranch).toEqual('trunk');
    expect(await git(repo.work, 'show', 'fix/2:README.md')).toEqual('# changed');
  });
});

describe('git/git-source-workspace credentials', () => {
  let repo: GitTestRepo;
  let scratch: string;
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;
  let argvLog: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    repo = await gitTestRepo({ 'a.txt': 'a\n' });
    scratch = await mkdtemp(join(tmpdir(), 'git-credentials-'));
    await git(repo.origin, 'config', 'http.receivepack', 'true');
    server = await startGitHttpServer({
      repositories: { 'org/app.git': repo.origin },
      password: TOKEN,
    });
    // A `git` wrapper first on PATH records the argv of every git command we start.
    argvLog = join(scratch, 'argv.log');
    const bin = join(scratch, 'bin');
    const realGit = (await git(scratch, '--exec-path')) + '/git';
    await mkdir(bin);
    await writeFile(
      join(bin, 'git'),
      `#!/bin/sh\necho "$*" >> '${argvLog}'\nexec '${realGit}' "$@"\n`,
    );
    await chmod(join(bin, 'git'), 0o755);
    env = {
      ...process.env,
      ...TEST_GIT_ENV,
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      GITHUB_TOKEN: TOKEN,
    };
  });

  afterEach(async () => {
    await server.stop();
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('authenticates over HTTP with the token only through the credential helper', async () => {
    const directory = join(scratch, 'clone');
    const workspace = createGitSourceWorkspace({
      gitHost: hostFor({
        url: `${server.url}/org/app.git`,
        credentials: { username: 'x-access-token', password: TOKEN },
      }),
      directory,
      env,
    });

    await workspace.checkout('fix/9', { signal });
    await writeFile(join(directory, 'a.txt'), 'b\n');
    await workspace.commitAndPush('fix: a (#9)', { signal });

    expect(await repo.showInOrigin('fix/9:a.txt')).toEqual('b');
    expect(server.requests.some((request) => request.basicAuth === `x-access-token:${TOKEN}`)).toBe(
      true,
    );
    expect(server.requests.filter((request) => request.authorized).length).toBeGreaterThan(0);
    const argv = await readFile(argvLog, 'utf8');
    expect(argv).toContain('clone');
    expect(argv).toContain('push');
    expect(argv).not.toContain(TOKEN);
    expect(await readFile(join(directory, '.git/config'), 'utf8')).not.toContain(TOKEN);
    expect(await grepTree(join(directory, '.git'), TOKEN)).toEqual([]);
  });

  it('names GITHUB_TOKEN when the private remote needs credentials we do not have', async () => {
    const workspace = createGitSourceWorkspace({
      gitHost: hostFor({ url: `${server.url}/org/app.git` }),
      directory: join(scratch, 'clone'),
      env,
    });

    await expect(workspace.checkout('fix/9', { signal })).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('set GITHUB_TOKEN'),
    });
  });

  it('reports a rejected token as source_access_denied', async () => {
    const workspace = createGitSourceWorkspace({
      gitHost: hostFor({
        url: `${server.url}/org/app.git`,
        credentials: { username: 'x', password: 'wrong' },
      }),
      directory: join(scratch, 'clone'),
      env,
    });

    await expect(workspace.checkout('fix/9', { signal })).rejects.toMatchObject({
      code: 'source_access_denied',
      message: expect.stringContaining('GITHUB_TOKEN was rejected'),
    });
  });
});

/** Files under `folder` whose bytes contain `needle`. */
async function grepTree(folder: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) hits.push(path);
  }
  return hits;
}
