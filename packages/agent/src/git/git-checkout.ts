import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '@agentsmith/kit';
import type { GitCli } from './git-cli.js';
import { writeFreshGitConfig } from './git-config-guard.js';

/** Where and what to check out. */
export interface CheckoutInput {
  /** Remote URL or local path, without credentials. */
  url: string;
  /** Folder of the working copy; reused when it already holds a clone. */
  directory: string;
  /** The run's branch, e.g. `fix/58`. */
  branch: string;
  /** The default branch as the host's API reports it; detected from the remote when null. */
  defaultBranch: string | null;
  signal?: AbortSignal | undefined;
}

export interface CheckoutResult {
  directory: string;
  branch: string;
  defaultBranch: string;
  /** True when an existing clone was fetched and reset instead of cloned. */
  reused: boolean;
}

/**
 * A fresh clone, or fetch + hard reset + clean of a reused one, then `branch` created from the
 * remote default branch (so leftovers of an earlier run never leak into this one).
 */
export async function checkoutRepository(
  git: GitCli,
  input: CheckoutInput,
): Promise<CheckoutResult> {
  const { directory, signal } = input;
  const reused = await isClone(git, directory, signal);
  if (reused) {
    await writeFreshGitConfig(git, directory, input.url, signal);
    await git.run(['fetch', '--prune', '--quiet', 'origin'], {
      cwd: directory,
      signal,
      operation: 'fetch',
    });
  } else {
    await prepareEmptyFolder(directory);
    await git.run(['clone', '--quiet', '--origin', 'origin', '--', input.url, directory], {
      cwd: dirname(directory),
      signal,
      operation: 'clone',
    });
  }
  const defaultBranch = input.defaultBranch ?? (await detectDefaultBranch(git, directory, signal));
  const start = `refs/remotes/origin/${defaultBranch}`;
  const exists = await git.run(['rev-parse', '--verify', '--quiet', start], {
    cwd: directory,
    signal,
    allowFailure: true,
  });
  if (exists.exitCode !== 0) {
    throw new AppError(
      'source_checkout_failed',
      `The remote has no branch "${defaultBranch}" to start from.`,
    );
  }
  await git.run(['checkout', '--quiet', '--force', '--no-track', '-B', input.branch, start], {
    cwd: directory,
    signal,
  });
  await git.run(['reset', '--quiet', '--hard', start], { cwd: directory, signal });
  await git.run(['clean', '-ffdxq'], { cwd: directory, signal });
  return { directory, branch: input.branch, defaultBranch, reused };
}

/** The remote's HEAD branch (`main`, `master`, `develop`, …). */
export async function detectDefaultBranch(
  git: GitCli,
  directory: string,
  signal?: AbortSignal,
): Promise<string> {
  // Ask the remote (a reused clone's origin/HEAD may be stale), then fall back to the local ref.
  const remote = await git.run(['ls-remote', '--symref', 'origin', 'HEAD'], {
    cwd: directory,
    signal,
    operation: 'ls-remote',
  });
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(remote.stdout);
  if (match?.[1]) return match[1];
  const local = await git.run(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], {
    cwd: directory,
    signal,
    allowFailure: true,
  });
  const name = local.stdout.trim().replace(/^origin\//, '');
  if (local.exitCode === 0 && name !== '') return name;
  throw new AppError(
    'source_checkout_failed',
    'Could not tell the default branch of the remote (is it empty?).',
  );
}

async function isClone(
  git: GitCli,
  directory: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (!(await exists(`${directory}/.git`))) return false;
  const inside = await git.run(['rev-parse', '--is-inside-work-tree'], {
    cwd: directory,
    signal,
    allowFailure: true,
  });
  return inside.exitCode === 0 && inside.stdout.trim() === 'true';
}

async function prepareEmptyFolder(directory: string): Promise<void> {
  await mkdir(dirname(directory), { recursive: true });
  if (!(await exists(directory))) return;
  if ((await readdir(directory)).length > 0) {
    throw new AppError(
      'source_checkout_failed',
      `${directory} exists and is not a git clone; remove it or choose another workspace folder.`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
