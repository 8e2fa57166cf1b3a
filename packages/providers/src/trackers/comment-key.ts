import type { KeyedComment } from './tracker.js';

/**
 * Markdown trackers (GitHub, GitLab, Azure Boards in markdown mode, local files) keep a comment's
 * key in an HTML comment: rendered pages hide it, the API returns it verbatim.
 */
export function withCommentKey(body: string, key: string): string {
  return `${body}\n\n${keyTag(key)}`;
}

/** Whether a stored comment text carries `key`. */
export function hasCommentKey(text: string, key: string): boolean {
  return text.includes(keyTag(key));
}

function keyTag(key: string): string {
  return `<!-- agentsmith:key=${key.replace(/-->/g, '')} -->`;
}

/** How {@link ensureKeyedComment} reads and writes one tracker's comments. */
export interface KeyedCommentStore {
  /** The stored texts of page `page` (1-based), and whether another page follows. */
  page(page: number): Promise<{ texts: string[]; more: boolean }>;
  /** Pages read at most before posting (a ticket with more comments gets a duplicate at worst). */
  maxPages: number;
  /** Posts the body, which already carries the key. */
  post(bodyWithKey: string): Promise<void>;
}

/**
 * Posts `comment` unless an earlier comment already carries its key, so a retried or repeated run
 * never comments twice: the ensure semantics every markdown tracker shares.
 */
export async function ensureKeyedComment(
  comment: KeyedComment,
  store: KeyedCommentStore,
): Promise<{ created: boolean }> {
  for (let page = 1; page <= store.maxPages; page += 1) {
    const { texts, more } = await store.page(page);
    if (texts.some((text) => hasCommentKey(text, comment.key))) return { created: false };
    if (!more) break;
  }
  await store.post(withCommentKey(comment.body, comment.key));
  return { created: true };
}
