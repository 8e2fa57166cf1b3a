import { AppError } from '@agentsmith/kit';
import type { GitCli } from './git-cli.js';

/** Who commits. */
export interface GitAuthor {
  name: string;
  email: string;
}

/** The identity used when config and environment name none. */
export const DEFAULT_GIT_AUTHOR: GitAuthor = {
  name: 'Agent Smith',
  email: 'agent-smith@noreply.local',
};

/**
 * The commit identity: the project's `commit_author`, else `AGENTSMITH_GIT_AUTHOR_NAME` /
 * `AGENTSMITH_GIT_AUTHOR_EMAIL`, else {@link DEFAULT_GIT_AUTHOR}.
 */
export function resolveGitAuthor(
  configured: GitAuthor | undefined,
  env: NodeJS.ProcessEnv,
): GitAuthor {
  if (configured) return configured;
  return {
    name: env['AGENTSMITH_GIT_AUTHOR_NAME'] || DEFAULT_GIT_AUTHOR.name,
    email: env['AGENTSMITH_GIT_AUTHOR_EMAIL'] || DEFAULT_GIT_AUTHOR.email,
  };
}

/** Paths changed in the working copy against HEAD: staged, unstaged and untracked. */
export async function listChangedFiles(
  git: GitCli,
  directory: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const status = await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=all'], {
    cwd: directory,
    signal,
  });
  const entries = status.stdout.split('\0');
  const files: string[] = [];
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] ?? '';
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') index += 1;
  }
  return [...new Set(files)].sort();
}

/**
 * Stages everything and commits it as `author`. Nothing to commit is the `source_no_changes`
 * error, not a git error. Returns the new commit and the files it changed.
 */
export async function commitAll(
  git: GitCli,
  directory: string,
  message: string,
  author: GitAuthor,
  signal?: AbortSignal,
): Promise<{ sha: string; files: string[] }> {
  await git.run(['add', '--all'], { cwd: directory, signal });
  const files = await listChangedFiles(git, directory, signal);
  if (files.length === 0) {
    throw new AppError(
      'source_no_changes',
      'The agent changed no file, so there is nothing to commit.',
    );
  }
  await git.run(['commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', message], {
    cwd: directory,
    signal,
    env: {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: author.name,
      GIT_COMMITTER_EMAIL: author.email,
    },
  });
  return { sha: await git.output(['rev-parse', 'HEAD'], { cwd: directory, signal }), files };
}

/**
 * Pushes HEAD to `branch` with a lease: it overwrites the remote branch only if it still is what
 * we last fetched (absent, or an earlier run's commit), else `git_push_rejected`.
 */
export async function pushBranch(
  git: GitCli,
  directory: string,
  branch: string,
  signal?: AbortSignal,
): Promise<void> {
  const known = await git.run(
    ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`],
    {
      cwd: directory,
      signal,
      allowFailure: true,
    },
  );
  const expected = known.exitCode === 0 ? known.stdout.trim() : '';
  await git.run(
    [
      'push',
      '--quiet',
      '--porcelain',
      `--force-with-lease=refs/heads/${branch}:${expected}`,
      'origin',
      `HEAD:refs/heads/${branch}`,
    ],
    { cwd: directory, signal, operation: 'push' },
  );
}
