import type { Notice } from './notices.js';

/**
 * Where the dispatcher tells people things (Slack today): it receives {@link Notice} facts and
 * renders them itself. Both methods resolve only once the chat service accepted the call and throw
 * otherwise; rate limits are waited out inside.
 */
export interface Notifier {
  /** Posts a notice (in a thread when `threadTs` is given); returns its message id (`ts`). */
  post(channelId: string, notice: Notice, threadTs?: string): Promise<string>;
  /** Replaces a posted message in place. */
  update(channelId: string, ts: string, notice: Notice): Promise<void>;
}
