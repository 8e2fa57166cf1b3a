import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Environment for git in tests: no user or system config, a fixed identity. */
export const TEST_GIT_ENV: NodeJS.ProcessEnv = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs git in `cwd` with {@link TEST_GIT_ENV}; returns trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec('git', args, { cwd, env: { ...process.env, ...TEST_GIT_ENV } });
  return stdout.trim();
}

export interface GitTestRepo {
  /** Temporary folder holding everything; removed by `cleanup`. */
  root: string;
  /** Path of the bare origin repository (clone it with `file://` + path or the path itself). */
  origin: string;
  /** A working clone of the origin. */
  work: string;
  defaultBranch: string;
  /** Writes files in the working clone, commits them and pushes to the origin. */
  commitAndPush(files: Record<string, string>, message: string): Promise<string>;
  /** Reads a file at a ref of the origin (e.g. `fix/58:src/app.js`). */
  showInOrigin(refAndPath: string): Promise<string>;
  /** Branch names in the origin. */
  originBranches(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** A real bare origin with an initial commit of `files`, plus a working clone. */
export async function gitTestRepo(
  files: Record<string, string> = { 'README.md': '# test\n' },
  defaultBranch = 'main',
): Promise<GitTestRepo> {
  const root = await mkdtemp(join(tmpdir(), 'agentsmith-git-'));
  const origin = join(root, 'origin.git');
  const work = join(root, 'work');
  await git(root, 'init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, origin);
  await git(root, 'clone', '--quiet', origin, work);
  await git(work, 'checkout', '--quiet', '-B', defaultBranch);

  const commitAndPush = async (changes: Record<string, string>, message: string) => {
    for (const [path, content] of Object.entries(changes)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(work, 'add', '--all');
    await git(work, 'commit', '--quiet', '-m', message);
    await git(work, 'push', '--quiet', 'origin', `HEAD:${defaultBranch}`);
    return git(work, 'rev-parse', 'HEAD');
  };
  await commitAndPush(files, 'initial commit');

  return {
    root,
    origin,
    work,
    defaultBranch,
    commitAndPush,
    showInOrigin: (refAndPath) => git(origin, 'show', refAndPath),
    originBranches: async () =>
      (await git(origin, 'for-each-ref', '--format=%(refname:short)', 'refs/heads'))
        .split('\n')
        .filter(Boolean),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
