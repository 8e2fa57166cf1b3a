import { MAX_TICKET_COMMENT_CHARS, MAX_TICKET_COMMENTS, type TicketComment } from './tracker.js';

/** Every keyed comment of the markdown trackers carries this tag (see comment-key.ts). */
const KEY_TAG = /<!-- agentsmith:key=/;

/**
 * The comments a ticket shows the model: oldest first, people's comments only (the agent's own
 * keyed comments dropped — `isOwn` for trackers that keep the key elsewhere), the newest
 * {@link MAX_TICKET_COMMENTS}, each cut at {@link MAX_TICKET_COMMENT_CHARS}.
 */
export function peoplesComments(
  comments: readonly (TicketComment & { isOwn?: boolean })[],
): TicketComment[] {
  return comments
    .filter((comment) => comment.isOwn !== true && !KEY_TAG.test(comment.body))
    .filter((comment) => comment.body.trim() !== '')
    .slice(-MAX_TICKET_COMMENTS)
    .map((comment) => ({
      author: comment.author.trim() || 'unknown',
      ...(comment.createdAt ? { createdAt: comment.createdAt } : {}),
      body:
        comment.body.length > MAX_TICKET_COMMENT_CHARS
          ? `${comment.body.slice(0, MAX_TICKET_COMMENT_CHARS)}… [cut]`
          : comment.body,
    }));
}
