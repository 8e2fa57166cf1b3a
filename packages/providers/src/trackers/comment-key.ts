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
