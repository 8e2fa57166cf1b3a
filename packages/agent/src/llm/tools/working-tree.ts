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
   * `git grep` (tracked files only) reads this path's working-tree content: a regular file,
   * tracked as a regular file that git neither assumes unchanged nor keeps out of the working
   * tree (for those it reads the index; a path tracked as a symbolic link it skips). Untracked
   * files are not among them: `git grep --untracked` walks the tree and skips tracked files that
   * match .gitignore, which the listing keeps.
   */
  grepReadsWorkingTree: boolean;
}

type Git = (args: string[]) => Promise<GitOutput | undefined>;

/** Tracked files and untracked ones that are not ignored (one walk of the tree by git). */
const LIST = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'];
/** Tracked files missing from the working tree (an lstat each, in git). */
const DELETED = ['ls-files', '-z', '--deleted'];
const WALK_SKIP = new Set(['.git', 'node_modules']);

/**
 * The files of a git working tree: tracked ones that are there, and untracked ones that are not
 * ignored, sorted. Two git commands side by side: one walks the tree for untracked files and
 * prints the index, the other looks for each tracked file in the working tree (`--deleted`);
 * files kept out of the working tree by a sparse checkout, which `--deleted` never reports, and
 * names that are not UTF-8 are looked at here. Undefined when git cannot list the tree (not a repository).
 */
export async function listGitFiles(root: string, git: Git): Promise<string[] | undefined> {
  const deleted = git(DELETED);
  // Awaited below, once the listing is parsed: meanwhile a rejection must not count as unhandled.
  deleted.catch(() => undefined);
  // -t tags every path: `?` untracked, `S` kept out of the working tree, other letters tracked.
  const listed = await git([...LIST, '-t']);
  if (listed?.exitCode !== 0) return undefined;
  const files: string[] = [];
  const lookups: Promise<void>[] = [];
  for (const line of splitPaths(listed.stdout)) {
    const path = line.slice(2);
    // A name with U+FFFD may stand for bytes that are not UTF-8: only lstat tells whether the
    // path as the model will ask for it exists.
    if (line.startsWith('S ') || path.includes('\uFFFD')) {
      lookups.push(kindOfPath(join(root, path)).then((kind) => void (kind && files.push(path))));
    } else files.push(path);
  }
  await Promise.all(lookups);
  const gone = await deleted;
  if (gone?.exitCode !== 0) return undefined;
  const goneFiles = new Set(splitPaths(gone.stdout));
  const present = goneFiles.size === 0 ? files : files.filter((file) => !goneFiles.has(file));
  // git printed two sorted runs (untracked, then tracked): the sort mostly merges them.
  return present.sort();
}

/**
 * {@link listGitFiles} with what each path is and whether `git grep` reads it from the working
 * tree (for search_files). Sorted by path.
 */
export async function listGitTree(root: string, git: Git): Promise<TreeEntry[] | undefined> {
  // -v tags every path: `?` untracked, upper case tracked, lower case assumed unchanged, S kept
  // out of the working tree (sparse checkout); -s adds a tracked path's mode ("<tag> <mode>
  // <object> <stage>\t<path>").
  const listed = await git([...LIST, '-v', '-s']);
  if (listed?.exitCode !== 0) return undefined;
  const folders = new FolderReader(root);
  const parsed = splitPaths(listed.stdout).map((line) => {
    const untracked = line.startsWith('? ');
    const tab = line.indexOf('\t');
    const path = untracked || tab < 0 ? line.slice(2) : line.slice(tab + 1);
    folders.add(path);
    // git grep (without --untracked) reads the working tree for what the index holds as a
    // regular file, unless it is assumed unchanged (lower case) or sparse (S): then the index.
    return { path, grepped: !untracked && tab >= 0 && /^[HM] 100/.test(line) };
  });
  const kinds = await folders.kinds();
  const entries: TreeEntry[] = [];
  parsed.forEach(({ path, grepped }, index) => {
    const kind = kinds[index];
    if (kind) entries.push({ path, kind, grepReadsWorkingTree: grepped && kind === 'file' });
  });
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every file under `root` except in `.git` and `node_modules` (a folder that is not a repository). */
export async function walkTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const visit = async (directory: string, prefix: string): Promise<void> => {
    for (const dirent of await readdir(directory, { withFileTypes: true })) {
      if (WALK_SKIP.has(dirent.name)) continue;
      const path = `${prefix}${dirent.name}`;
      if (dirent.isDirectory()) await visit(join(directory, dirent.name), `${path}/`);
      else
        entries.push({ path, kind: kindOfDirent(dirent) ?? 'other', grepReadsWorkingTree: false });
    }
  };
  await visit(root, '');
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function splitPaths(output: string): string[] {
  const paths = output.split('\0');
  if (paths.at(-1) === '') paths.pop();
  return paths;
}

/** A folder's entries by name. */
type FolderEntries = Map<string, Dirent>;

/**
 * Finds out what is at each added path by reading every folder once; each read starts as soon
 * as the first path in that folder is added.
 */
class FolderReader {
  private readonly reads = new Map<string, Promise<FolderEntries | undefined>>();
  private readonly located: { folder: string; name: string }[] = [];

  constructor(private readonly root: string) {}

  add(path: string): void {
    const slash = path.lastIndexOf('/');
    const folder = slash < 0 ? '' : path.slice(0, slash);
    if (!this.reads.has(folder)) this.reads.set(folder, this.read(join(this.root, folder)));
    this.located.push({ folder, name: path.slice(slash + 1) });
  }

  /** What is at each added path now, in the order added; undefined where nothing is. */
  async kinds(): Promise<(EntryKind | undefined)[]> {
    const folders = new Map<string, FolderEntries | undefined>();
    await Promise.all(
      [...this.reads].map(async ([folder, read]) => folders.set(folder, await read)),
    );
    const kinds: (EntryKind | undefined)[] = [];
    const lookups: Promise<void>[] = [];
    this.located.forEach(({ folder, name }, index) => {
      const entries = folders.get(folder);
      // A name with U+FFFD may stand for bytes that are not UTF-8, shown the same way by readdir
      // and by git: only lstat tells whether that path really exists.
      if (!entries || name.includes('\uFFFD')) {
        const absolute = join(this.root, folder, name);
        lookups.push(kindOfPath(absolute).then((kind) => void (kinds[index] = kind)));
      } else kinds[index] = kindOfDirent(entries.get(name));
    });
    await Promise.all(lookups);
    return kinds;
  }

  /**
   * A folder's entries, or undefined when it cannot be read as a whole (each path is then
   * looked at on its own). A folder that is gone, or is no folder, has no entries.
   */
  private async read(absolute: string): Promise<FolderEntries | undefined> {
    try {
      const dirents = await readdir(absolute, { withFileTypes: true });
      return new Map(dirents.map((dirent) => [dirent.name, dirent]));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? new Map() : undefined;
    }
  }
}

async function kindOfPath(absolute: string): Promise<EntryKind | undefined> {
  const info = await lstat(absolute).catch(() => undefined);
  if (!info) return undefined;
  if (info.isFile()) return 'file';
  return info.isSymbolicLink() ? 'symlink' : 'other';
}

function kindOfDirent(dirent: Dirent | undefined): EntryKind | undefined {
  if (!dirent) return undefined;
  if (dirent.isFile()) return 'file';
  return dirent.isSymbolicLink() ? 'symlink' : 'other';
}
