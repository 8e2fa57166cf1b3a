import { lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { runProcess } from '../../process/run-process.js';
import { readOnlyGit, SAFE_GIT_OPTIONS, type GitOutput } from './read-only-git.js';
import { listGitFiles, listGitTree, walkTree, type TreeEntry } from './working-tree.js';

/** A tool asked for something the workspace refuses; the message goes back to the model. */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
}

/** The files of a folder of the workspace, and whether git listed them. */
export interface WorkspaceListing {
  entries: TreeEntry[];
  /** True when the root is a git working tree (ignored files left out, `git grep` usable). */
  fromGit: boolean;
}

/**
 * The repository the agent works in. Every path a tool receives is resolved here and must stay
 * inside the root, symlinks included (checked on the real path). Written files are remembered.
 */
export class Workspace {
  /** Files written or edited, relative to the root, in first-change order. */
  readonly changedFiles = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly realRoot: string,
    private readonly env: NodeJS.ProcessEnv | undefined,
  ) {}

  /** `env` is the environment of the git commands listing files: pass one without credentials. */
  static async open(root: string, env?: NodeJS.ProcessEnv): Promise<Workspace> {
    const absolute = resolve(root);
    return new Workspace(absolute, await realpath(absolute), env);
  }

  /** Resolves `path` (relative to the root) to an absolute path inside the repository. */
  async resolve(path: string, purpose: 'read' | 'write' = 'read'): Promise<string> {
    if (path.includes('\0')) throw new WorkspaceError('Path contains a NUL byte');
    const absolute = isAbsolute(path) ? resolve(path) : resolve(this.root, path);
    const lexical = relative(this.root, absolute);
    if (lexical === '..' || lexical.startsWith(`..${sep}`) || isAbsolute(lexical)) {
      throw new WorkspaceError(`Path "${path}" is outside the repository`);
    }
    const real = await this.realPathOfExistingPart(absolute);
    const realRelative = relative(this.realRoot, real);
    if (realRelative === '..' || realRelative.startsWith(`..${sep}`) || isAbsolute(realRelative)) {
      throw new WorkspaceError(
        `Path "${path}" leads outside the repository through a symbolic link`,
      );
    }
    if (purpose === 'write' && (lexical === '.git' || lexical.startsWith(`.git${sep}`))) {
      throw new WorkspaceError('Writing inside .git is not allowed');
    }
    return absolute;
  }

  /** The path relative to the root, with forward slashes (as shown to the model). */
  display(absolute: string): string {
    return relative(this.root, absolute).split(sep).join('/') || '.';
  }

  async readText(path: string): Promise<{ absolute: string; text: string }> {
    const absolute = await this.resolve(path);
    const info = await lstat(absolute).catch(() => undefined);
    if (!info) throw new WorkspaceError(`File "${path}" does not exist`);
    if (info.isDirectory()) throw new WorkspaceError(`"${path}" is a directory; use list_files`);
    return { absolute, text: await readFile(absolute, 'utf8') };
  }

  async writeText(path: string, text: string): Promise<string> {
    const absolute = await this.resolve(path, 'write');
    const info = await lstat(absolute).catch(() => undefined);
    if (info?.isDirectory()) throw new WorkspaceError(`"${path}" is a directory`);
    await mkdir(dirname(absolute), { recursive: true });
    // Re-check after mkdir: a directory created by the model could have been a symlink race.
    await this.resolve(path, 'write');
    await writeFile(absolute, text, 'utf8');
    this.changedFiles.add(this.display(absolute));
    return absolute;
  }

  /**
   * Files under `directory` (relative paths from the root), honouring .gitignore when the root
   * is a git repository; otherwise a walk that skips `.git` and `node_modules`.
   */
  async listFiles(directory = '.', signal?: AbortSignal): Promise<string[]> {
    const prefix = this.display(await this.resolve(directory));
    const files =
      (await listGitFiles(this.root, (args) => this.readOnlyGit(args, signal))) ??
      (await walkTree(this.root)).map((entry) => entry.path);
    return prefix === '.' ? files : files.filter((file) => file.startsWith(`${prefix}/`));
  }

  /** {@link listFiles} with what each path is (file, symbolic link, other), sorted by path. */
  async listEntries(directory = '.', signal?: AbortSignal): Promise<WorkspaceListing> {
    const prefix = this.display(await this.resolve(directory));
    const fromGit = await listGitTree(this.root, (args) => this.readOnlyGit(args, signal));
    const entries = fromGit ?? (await walkTree(this.root));
    const inside =
      prefix === '.' ? entries : entries.filter((entry) => entry.path.startsWith(`${prefix}/`));
    return { entries: inside, fromGit: fromGit !== undefined };
  }

  /**
   * A git command that only reads (`ls-files`, `grep`), run without the process-tree
   * bookkeeping of {@link git}: see read-only-git.ts. Undefined when git gives no answer.
   */
  readOnlyGit(args: string[], signal?: AbortSignal): Promise<GitOutput | undefined> {
    return readOnlyGit(this.root, args, { signal, ...(this.env ? { env: this.env } : {}) });
  }

  /**
   * Runs a read-only git command in the root (no fsmonitor or hooks, the workspace's environment);
   * its output, or undefined when git fails (e.g. not a repository).
   */
  async git(args: string[], signal?: AbortSignal): Promise<string | undefined> {
    const result = await runProcess('git', [...SAFE_GIT_OPTIONS, ...args], {
      cwd: this.root,
      timeoutMs: 30_000,
      signal,
      maxOutputBytes: 4 * 1024 * 1024,
      ...(this.env ? { env: this.env } : {}),
    }).catch(() => undefined);
    return result?.exitCode === 0 ? result.stdout : undefined;
  }

  private async realPathOfExistingPart(absolute: string): Promise<string> {
    let current = absolute;
    const missing: string[] = [];
    for (;;) {
      try {
        return join(await realpath(current), ...missing.reverse());
      } catch {
        const info = await lstat(current).catch(() => undefined);
        if (info?.isSymbolicLink()) {
          throw new WorkspaceError(
            `"${this.display(absolute)}" goes through a dangling symbolic link`,
          );
        }
        const parent = dirname(current);
        if (parent === current) return absolute;
        missing.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
        current = parent;
      }
    }
  }
}
