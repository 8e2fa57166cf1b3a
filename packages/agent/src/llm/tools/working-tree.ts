import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitOutput } from './read-only-git.js';

/** What the working tree holds at a listed path (symbolic links are not followed). */
export type EntryKind = 'file' | 'symlink' | 'other';

/** One file of the working tree, relative to the root with forward slashes. */
export interface TreeEntry {
  path: string;
  kind: EntryKind;
  /**
   * `git grep` reads this path's working-tree content: a regular file that is untracked, or
   * tracked as a regular file that git neither assumes unchanged nor keeps out of the working
   * tree (for those it reads the index; a path tracked as a symbolic link it skips).
   */
  grepReadsWorkingTree: boolean;
}

const WALK_SKIP = new Set(['.git', 'node_modules']);

/**
 * The files of a git working tree: tracked ones that are there, and untracked ones that are not
 * ignored. One `git ls-files` both walks the tree for untracked files and prints the index; the
 * tracked files that were deleted are then found by reading each directory once (a few hundred
 * `readdir` calls where an `lstat` per file would be tens of thousands). Undefined when git
 * cannot list the tree (not a repository).
 */
export async function listGitTree(
  root: string,
  git: (args: string[]) => Promise<GitOutput | undefined>,
): Promise<TreeEntry[] | undefined> {
  // -v tags every path: `?` untracked, upper case tracked, lower case assumed unchanged, S kept
  // out of the working tree (sparse checkout); -s adds a tracked path's mode ("<tag> <mode>
  // <object> <stage>\t<path>"). --deduplicate prints a conflicted path once.
  const listed = await git([
    'ls-files',
    '-z',
    '-v',
    '-s',
    '--cached',
    '--others',
    '--exclude-standard',
    '--deduplicate',
  ]);
  if (listed?.exitCode !== 0) return undefined;
  const byDirectory = new Map<string, { name: string; grepped: boolean }[]>();
  for (const line of listed.stdout.split('\0')) {
    if (line.length < 3) continue;
    const untracked = line.startsWith('? ');
    const path = untracked ? line.slice(2) : line.slice(line.indexOf('\t') + 1);
    // git grep reads the working tree only for what the index holds as a regular file.
    const grepped = untracked || (/^[HM] 100/.test(line) && path !== line);
    const slash = path.lastIndexOf('/');
    const directory = slash < 0 ? '' : path.slice(0, slash);
    let names = byDirectory.get(directory);
    if (!names) byDirectory.set(directory, (names = []));
    names.push({ name: path.slice(slash + 1), grepped });
  }
  const entries: TreeEntry[] = [];
  await Promise.all(
    [...byDirectory].map(async ([directory, names]) => {
      const absolute = join(root, directory);
      const present = await directoryEntries(absolute);
      for (const { name, grepped } of names) {
        const kind =
          present && !name.includes('\uFFFD')
            ? kindOfDirent(present.get(name))
            : await kindOfPath(join(absolute, name));
        if (kind === undefined) continue;
        const path = directory === '' ? name : `${directory}/${name}`;
        entries.push({ path, kind, grepReadsWorkingTree: grepped && kind === 'file' });
      }
    }),
  );
  return sortByPath(entries);
}

/** Every file under `root` except in `.git` and `node_modules` (a folder that is not a repository). */
export async function walkTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const visit = async (directory: string, prefix: string): Promise<void> => {
    for (const dirent of await readdir(directory, { withFileTypes: true })) {
      if (WALK_SKIP.has(dirent.name)) continue;
      const path = `${prefix}${dirent.name}`;
      if (dirent.isDirectory()) await visit(join(directory, dirent.name), `${path}/`);
      else entries.push({ path, kind: kindOfDirent(dirent) ?? 'other', grepReadsWorkingTree: false });
    }
  };
  await visit(root, '');
  return sortByPath(entries);
}

/**
 * A directory's entries by name, or undefined when it cannot be read as a whole (each path is
 * then looked at on its own). A directory that is gone, or is no directory, has no entries.
 */
async function directoryEntries(absolute: string): Promise<Map<string, Dirent> | undefined> {
  try {
    const dirents = await readdir(absolute, { withFileTypes: true });
    return new Map(dirents.map((dirent) => [dirent.name, dirent]));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? new Map() : undefined;
  }
}

function kindOfDirent(dirent: Dirent | undefined): EntryKind | undefined {
  if (!dirent) return undefined;
  if (dirent.isFile()) return 'file';
  return dirent.isSymbolicLink() ? 'symlink' : 'other';
}

/**
 * Names with U+FFFD may stand for bytes that are not UTF-8, which a name from `readdir` and one
 * from git would both show the same way: only `lstat` tells whether the path really exists.
 */
async function kindOfPath(absolute: string): Promise<EntryKind | undefined> {
  const info = await lstat(absolute).catch(() => undefined);
  if (!info) return undefined;
  if (info.isFile()) return 'file';
  return info.isSymbolicLink() ? 'symlink' : 'other';
}

function sortByPath(entries: TreeEntry[]): TreeEntry[] {
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
