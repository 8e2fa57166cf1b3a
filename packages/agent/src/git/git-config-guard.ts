import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@agentsmith/kit';
import type { GitCli } from './git-cli.js';

/**
 * The repository's git configuration as the checkout left it. The model's commands run in the
 * working copy and can rewrite `.git/config` (remote URL, `insteadOf`, proxies, TLS settings,
 * filters, includes); {@link GitConfigGuard.restore} puts it back before the commit and the push,
 * so those run with the configuration we wrote, not one planted to divert the token.
 */
export class GitConfigGuard {
  private constructor(
    private readonly gitDir: string,
    private readonly config: string,
  ) {}

  /** Reads `.git/config` of `directory` right after the checkout. */
  static async capture(directory: string): Promise<GitConfigGuard> {
    const gitDir = join(directory, '.git');
    return new GitConfigGuard(gitDir, await readFile(join(gitDir, 'config'), 'utf8'));
  }

  /** Writes the captured configuration back and removes files that would add to or replace it. */
  async restore(): Promise<void> {
    const info = await lstat(this.gitDir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new AppError(
        'source_checkout_failed',
        'The .git folder of the working copy was replaced during the run; nothing is committed or pushed from it.',
      );
    }
    for (const name of ['config', 'config.worktree', 'commondir']) {
      // rm first: a planted symlink must not redirect the write.
      await rm(join(this.gitDir, name), { force: true, recursive: true });
    }
    await writeFile(join(this.gitDir, 'config'), this.config, { flag: 'wx' });
  }
}

/** Settings a clone writes for its file system, kept when a reused clone's config is replaced. */
const KEPT_CORE = ['filemode', 'ignorecase', 'symlinks', 'precomposeunicode'];
const KEPT_EXTENSIONS = ['objectformat', 'refstorage'];

/**
 * Replaces the configuration of a reused clone with a fresh one naming only `url` as origin
 * (keeping the file-system settings and the object and ref formats the clone wrote): an earlier
 * run's commands may have planted settings there that the fetch with our token would obey.
 */
export async function writeFreshGitConfig(
  git: GitCli,
  directory: string,
  url: string,
  signal?: AbortSignal,
): Promise<void> {
  const path = join(directory, '.git', 'config');
  const read = async (section: string, keys: string[]) => {
    const lines: string[] = [];
    for (const key of keys) {
      const value = (
        await git.run(['config', '--file', path, '--get', `${section}.${key}`], {
          cwd: directory,
          signal,
          allowFailure: true,
        })
      ).stdout.trim();
      if (/^[\w.-]+$/.test(value)) lines.push(`\t${key} = ${value}`);
    }
    return lines;
  };
  const core = await read('core', KEPT_CORE);
  const extensions = await read('extensions', KEPT_EXTENSIONS);
  const quoted = `"${url.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const config = [
    '[core]',
    `\trepositoryformatversion = ${extensions.length > 0 ? 1 : 0}`,
    '\tbare = false',
    '\tlogallrefupdates = true',
    ...core,
    ...(extensions.length > 0 ? ['[extensions]', ...extensions] : []),
    '[remote "origin"]',
    `\turl = ${quoted}`,
    '\tfetch = +refs/heads/*:refs/remotes/origin/*',
  ];
  for (const name of ['config', 'config.worktree', 'commondir']) {
    await rm(join(directory, '.git', name), { force: true, recursive: true });
  }
  await writeFile(path, `${config.join('\n')}\n`, { flag: 'wx' });
}
