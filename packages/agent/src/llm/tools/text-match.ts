/** Helpers for the edit tool: line numbers of matches and the closest text to a missed one. */

/** 1-based line numbers where `needle` starts in `text`. */
export function matchLines(text: string, needle: string): number[] {
  const lines: number[] = [];
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) {
    lines.push(lineAt(text, index));
    if (lines.length >= 20) break;
  }
  return lines;
}

/** 1-based line number of character `index`. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/** `lines` (a slice of a file starting at 1-based `first`) with right-aligned line numbers. */
export function numbered(lines: readonly string[], first: number): string {
  const width = String(first + lines.length - 1).length;
  return lines.map((line, index) => `${String(first + index).padStart(width)}\t${line}`).join('\n');
}

/** The region of `text` from line `from` to line `to` (1-based, inclusive), numbered, with context. */
export function numberedRegion(text: string, from: number, to: number, context = 3): string {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const start = Math.max(1, from - context);
  const end = Math.min(lines.length, to + context);
  return numbered(lines.slice(start - 1, end), start);
}

/** A stretch of the file that looks most like the text the model wanted to replace. */
export interface ClosestMatch {
  /** 1-based first line. */
  line: number;
  /** The file's text there. */
  text: string;
  /** 0..1, how alike (bigram overlap). */
  similarity: number;
  /** The only differences are whitespace (indentation, line ends). */
  whitespaceOnly: boolean;
}

const MAX_LINES_COMPARED = 20_000;

/**
 * Finds the window of lines most similar to `needle` (same number of lines), for the edit tool's
 * "did you mean" answer. Undefined when nothing is even remotely alike.
 */
export function closestMatch(text: string, needle: string): ClosestMatch | undefined {
  const lines = text.split('\n');
  const wanted = needle.replace(/\n$/, '').split('\n');
  if (lines.length > MAX_LINES_COMPARED || wanted.length > lines.length) return undefined;
  const wantedSquashed = squash(needle);
  const wantedGrams = bigrams(wantedSquashed);
  let best: ClosestMatch | undefined;
  for (let start = 0; start + wanted.length <= lines.length; start += 1) {
    const window = lines.slice(start, start + wanted.length).join('\n');
    const squashed = squash(window);
    const whitespaceOnly = squashed === wantedSquashed;
    const similarity = whitespaceOnly ? 1 : dice(wantedGrams, bigrams(squashed));
    if (!best || similarity > best.similarity) {
      best = { line: start + 1, text: window, similarity, whitespaceOnly };
      if (whitespaceOnly) break;
    }
  }
  return best && best.similarity >= 0.5 ? best : undefined;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i += 1) {
    const gram = text.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const count of a.values()) total += count;
  for (const [gram, count] of b) {
    total += count;
    shared += Math.min(count, a.get(gram) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}
