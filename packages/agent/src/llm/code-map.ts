import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** How big the map may get and how much it may read to get there. */
export interface CodeMapOptions {
  /** Words of the ticket; files whose path shares them come first. */
  ticketText: string;
  /** Size of the map in tokens (about 3.5 characters each). Default 4000. */
  budgetTokens?: number;
  /** Files read for their symbols, at most. Default 300 (bounds the time on huge repositories). */
  maxFilesRead?: number;
  signal?: AbortSignal;
}

const CHARACTERS_PER_TOKEN = 3.5;
const MAX_FILE_BYTES = 256 * 1024;
const MAX_SYMBOLS_PER_FILE = 12;
const MAX_DIRECTORY_LINES = 40;

/** Top-level declarations by file extension; the last capture group is the name. */
const SYMBOL_PATTERNS: [extensions: string[], patterns: RegExp[]][] = [
  [
    ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'],
    [
      /^export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/,
      /^(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)/,
      /^class\s+([A-Za-z_$][\w$]*)/,
      /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/,
    ],
  ],
  [['.py'], [/^(?:async\s+)?def\s+(\w+)/, /^class\s+(\w+)/]],
  [['.go'], [/^func\s+(?:\([^)]*\)\s*)?(\w+)/, /^type\s+(\w+)/]],
  [
    ['.rs'],
    [
      /^pub(?:\([^)]*\))?\s+(?:async\s+)?(?:fn|struct|enum|trait|type|const|mod)\s+(\w+)/,
      /^fn\s+(\w+)/,
    ],
  ],
  [
    ['.java', '.kt', '.cs', '.scala'],
    [
      /^\s*(?:public\s+|internal\s+)?(?:static\s+)?(?:final\s+|sealed\s+|abstract\s+|data\s+|open\s+)*(?:class|interface|enum|record|object)\s+(\w+)/,
      /^\s+(?:public|protected)\s+(?:static\s+)?(?:final\s+)?[\w<>[\],.? ]+\s+(\w+)\s*\(/,
    ],
  ],
  [['.rb'], [/^\s*(?:def|class|module)\s+([\w.:]+)/]],
  [['.php'], [/^\s*(?:final\s+|abstract\s+)?(?:class|interface|trait|function)\s+(\w+)/]],
];

const SKIPPED_PARTS = new Set([
  'node_modules',
  'vendor',
  'dist',
  'build',
  'target',
  '.venv',
  'venv',
  '__pycache__',
  '.git',
]);

const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'when',
  'that',
  'this',
  'from',
  'should',
  'not',
  'are',
  'but',
  'fix',
  'bug',
  'error',
  'issue',
]);

/**
 * A compact map of the repository for the prompt: top directories with their file counts, then
 * source files with their top-level symbols, the files whose paths share words with the ticket
 * first, within a token budget. Reads at most `maxFilesRead` files, so a repository of 50,000
 * files costs a listing and a few hundred small reads.
 */
export async function buildCodeMap(
  root: string,
  files: readonly string[],
  options: CodeMapOptions,
): Promise<string> {
  const budget = Math.floor((options.budgetTokens ?? 4000) * CHARACTERS_PER_TOKEN);
  const maxReads = options.maxFilesRead ?? 300;
  const kept = files.filter((file) => !file.split('/').some((part) => SKIPPED_PARTS.has(part)));
  const lines: string[] = [`${kept.length} files. Top directories:`];
  lines.push(...directoryOverview(kept));
  lines.push('', 'Files and their top-level symbols (most relevant to the ticket first):');
  let used = lines.join('\n').length;

  const terms = ticketTerms(options.ticketText);
  const ranked = kept
    .filter((file) => patternsFor(file) !== undefined)
    .map((file) => ({ file, score: relevance(file, terms) }))
    .sort(
      (a, b) => b.score - a.score || depth(a.file) - depth(b.file) || a.file.localeCompare(b.file),
    );

  let reads = 0;
  let listedWithoutSymbols = 0;
  for (const [index, { file }] of ranked.entries()) {
    options.signal?.throwIfAborted();
    let line = file;
    if (reads < maxReads) {
      reads += 1;
      const symbols = await symbolsOf(join(root, file), file);
      if (symbols.length > 0) line = `${file}: ${symbols.join(', ')}`;
    } else {
      listedWithoutSymbols += 1;
    }
    // Room is kept for the closing note, so the map never exceeds its budget.
    if (used + line.length + 1 > budget - 80) {
      lines.push(
        `[... ${ranked.length - index} more source files; use list_files and search_files]`,
      );
      return lines.join('\n');
    }
    lines.push(line);
    used += line.length + 1;
  }
  if (listedWithoutSymbols > 0)
    lines.push(`(${listedWithoutSymbols} files listed without symbols)`);
  return lines.join('\n');
}

function directoryOverview(files: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const file of files) {
    const parts = file.split('/');
    const key = parts.length === 1 ? '.' : parts.slice(0, Math.min(2, parts.length - 1)).join('/');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries
    .slice(0, MAX_DIRECTORY_LINES)
    .map(([directory, count]) => `- ${directory === '.' ? '(root)' : `${directory}/`} ${count}`);
  if (entries.length > MAX_DIRECTORY_LINES) {
    shown.push(`- ... ${entries.length - MAX_DIRECTORY_LINES} more directories`);
  }
  return shown;
}

/** Lower-case words of at least three letters, identifiers split at camelCase and snake_case. */
export function ticketTerms(text: string): Set<string> {
  const words = text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word));
  return new Set(words);
}

function relevance(file: string, terms: Set<string>): number {
  const words = ticketTerms(file);
  let score = 0;
  for (const word of words) if (terms.has(word)) score += 3;
  if (/(^|\/)(test|tests|spec|__tests__)\/|[._-](test|spec)\.|(^|\/)test_/.test(file)) score -= 1;
  return score;
}

function depth(file: string): number {
  return file.split('/').length;
}

function patternsFor(file: string): RegExp[] | undefined {
  const lower = file.toLowerCase();
  return SYMBOL_PATTERNS.find(([extensions]) => extensions.some((ext) => lower.endsWith(ext)))?.[1];
}

async function symbolsOf(path: string, file: string): Promise<string[]> {
  const patterns = patternsFor(file) ?? [];
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_FILE_BYTES) return [];
  const text = await readFile(path, 'utf8').catch(() => '');
  const symbols: string[] = [];
  for (const line of text.split('\n')) {
    for (const pattern of patterns) {
      const name = pattern.exec(line)?.[1];
      if (name !== undefined && !symbols.includes(name)) {
        symbols.push(name);
        break;
      }
    }
    if (symbols.length >= MAX_SYMBOLS_PER_FILE) {
      symbols.push('...');
      break;
    }
  }
  return symbols;
}
