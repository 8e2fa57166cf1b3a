import { createHash } from 'node:crypto';

/**
 * Remembers what the model has already seen of each file, so re-reading an unchanged file costs
 * a short note instead of the whole content again. Cleared when compaction drops old context.
 */
export class ReadCache {
  private readonly seen = new Map<string, string>();

  /** True when `path` was read before with exactly this content (and the same range). */
  isUnchanged(key: string, content: string): boolean {
    return this.seen.get(key) === digest(content);
  }

  remember(key: string, content: string): void {
    this.seen.set(key, digest(content));
  }

  /** Forgets a file, e.g. after it was written. */
  forgetFile(path: string): void {
    for (const key of this.seen.keys())
      if (key === path || key.startsWith(`${path}#`)) this.seen.delete(key);
  }

  clear(): void {
    this.seen.clear();
  }
}

function digest(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
