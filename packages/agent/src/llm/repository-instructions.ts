import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files in which repositories tell contributors (and coding agents) how they work. */
export const INSTRUCTION_FILES = [
  'AGENTS.md',
  'CLAUDE.md',
  'CONTRIBUTING.md',
  '.github/CONTRIBUTING.md',
  'docs/CONTRIBUTING.md',
];

const MAX_CHARACTERS_PER_FILE = 8000;
const MAX_CHARACTERS_IN_ALL = 16_000;

/** One instruction file as read from the repository, possibly cut. */
export interface RepositoryInstruction {
  path: string;
  content: string;
  truncated: boolean;
}

/** The repository's own instruction files that exist, each and all together size-capped. */
export async function readRepositoryInstructions(root: string): Promise<RepositoryInstruction[]> {
  const found: RepositoryInstruction[] = [];
  let remaining = MAX_CHARACTERS_IN_ALL;
  for (const path of INSTRUCTION_FILES) {
    if (remaining <= 0) break;
    const absolute = join(root, path);
    // lstat: a symlink could point at a file outside the repository; such a file is not read.
    const info = await lstat(absolute).catch(() => undefined);
    if (!info?.isFile()) continue;
    const text = await readFile(absolute, 'utf8');
    const limit = Math.min(MAX_CHARACTERS_PER_FILE, remaining);
    const content = text.length > limit ? text.slice(0, limit) : text;
    found.push({ path, content, truncated: text.length > limit });
    remaining -= content.length;
  }
  return found;
}
