import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { requiredLiterals } from './required-literals.js';
import type { TreeEntry } from './working-tree.js';
import { WorkspaceError, type Workspace } from './workspace.js';

const MAX_MATCHES = 200;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_LINE = 300;
/** Files read at once when every file has to be read. */
const READ_AHEAD = 32;

/**
 * `search_files`: a JavaScript regular expression over the repository's non-ignored text files.
 * In a git repository, `git grep -F` first narrows the tracked files to those holding a literal
 * every match needs (required-literals.ts); the regular expression itself always runs here, on
 * those and on every file git grep does not read from the working tree, so the answer is the
 * same with or without that step.
 */
export const searchFilesTool = defineTool({
  name: 'search_files',
  description:
    'Search file contents with a JavaScript regular expression (ignored files excluded). ' +
    'Returns path:line: text for each match. Optionally restrict to a directory.',
  input: z.object({
    pattern: z.string().min(1),
    directory: z.string().optional(),
    ignore_case: z.boolean().optional(),
  }),
  async execute(input, { workspace, signal }) {
    const ignoreCase = input.ignore_case === true;
    let regex: RegExp;
    try {
      regex = new RegExp(input.pattern, ignoreCase ? 'i' : '');
    } catch (error) {
      return { output: `Invalid regular expression: ${(error as Error).message}`, isError: true };
    }
    const directory = input.directory ?? '.';
    const literals = requiredLiterals(input.pattern, ignoreCase);
    const [listing, holding] = await Promise.all([
      workspace.listEntries(directory, signal),
      literals ? filesHolding(workspace, literals, ignoreCase, directory, signal) : undefined,
    ]);
    const candidates = listing.fromGit ? holding : undefined;
    const files = listing.entries.filter(
      (entry) =>
        entry.kind !== 'other' &&
        // What git grep does not read from the working tree (untracked files among them) is
        // read here.
        (!candidates || !entry.grepReadsWorkingTree || candidates.has(entry.path)),
    );
    const reader = new ConfinedReader(workspace);
    const matches: string[] = [];
    for (let start = 0; start < files.length && matches.length < MAX_MATCHES; start += READ_AHEAD) {
      const batch = files.slice(start, start + READ_AHEAD);
      const texts = await Promise.all(batch.map((entry) => reader.searchableText(entry)));
      batch.forEach((entry, index) => {
        const text = texts[index];
        if (text === undefined) return;
        text.split('\n').forEach((line, lineIndex) => {
          if (matches.length < MAX_MATCHES && regex.test(line)) {
            const shown = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}...` : line;
            matches.push(`${entry.path}:${lineIndex + 1}: ${shown}`);
          }
        });
      });
    }
    if (matches.length === 0) return { output: 'No matches.' };
    const more =
      matches.length >= MAX_MATCHES
        ? `\n[stopped at ${MAX_MATCHES} matches; narrow the search]`
        : '';
    return { output: `${matches.join('\n')}${more}` };
  },
});

/**
 * The tracked files under `directory` holding one of `literals` (binary files included: this
 * only narrows), as `git grep` sees them; undefined when git gives no answer.
 */
async function filesHolding(
  workspace: Workspace,
  literals: string[],
  ignoreCase: boolean,
  directory: string,
  signal: AbortSignal,
): Promise<Set<string> | undefined> {
  const prefix = workspace.display(await workspace.resolve(directory));
  const result = await workspace.readOnlyGit(
    [
      '-c',
      'grep.fallbackToNoIndex=false',
      '--literal-pathspecs',
      'grep',
      '--fixed-strings',
      '--files-with-matches',
      '--null',
      '--no-color',
      '--no-full-name',
      ...(ignoreCase ? ['--ignore-case'] : []),
      ...literals.flatMap((literal) => ['-e', literal]),
      '--',
      prefix,
    ],
    signal,
  );
  if (result?.exitCode === 1) return new Set();
  if (result?.exitCode !== 0) return undefined;
  return new Set(result.stdout.split('\0').filter(Boolean));
}

/**
 * Reads files for the search without leaving the workspace: a symbolic link counts only when
 * its target is inside, and a file only when its folder really is (a folder can be a link too).
 * Too large, binary (a NUL byte) or unreadable files give undefined.
 */
class ConfinedReader {
  private readonly realFolders = new Map<string, Promise<boolean>>();

  constructor(private readonly workspace: Workspace) {}

  async searchableText(entry: TreeEntry): Promise<string | undefined> {
    if (!(await this.isConfined(entry))) return undefined;
    const path = join(this.workspace.root, entry.path);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    const text = await readFile(path, 'utf8').catch(() => undefined);
    return text === undefined || text.includes('\0') ? undefined : text;
  }

  private async isConfined(entry: TreeEntry): Promise<boolean> {
    if (entry.kind === 'symlink') {
      return this.workspace.resolve(entry.path).then(
        () => true,
        (error: unknown) => {
          if (error instanceof WorkspaceError) return false;
          throw error;
        },
      );
    }
    const slash = entry.path.lastIndexOf('/');
    const folder = slash < 0 ? '.' : entry.path.slice(0, slash);
    let confined = this.realFolders.get(folder);
    if (!confined) {
      confined = this.workspace.resolve(folder).then(
        () => true,
        () => false,
      );
      this.realFolders.set(folder, confined);
    }
    return confined;
  }
}
