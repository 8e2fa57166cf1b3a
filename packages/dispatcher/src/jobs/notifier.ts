/** A chat message: fallback text plus optional Block Kit blocks. */
export interface ChatMessage {
  text: string;
  blocks?: unknown[];
}

/**
 * Where the dispatcher writes to people (Slack today). Both methods resolve only once the chat
 * service accepted the call and throw otherwise; rate limits are waited out inside.
 */
export interface Notifier {
  /** Posts a message (in a thread when `threadTs` is given); returns its id (`ts`). */
  post(channelId: string, message: ChatMessage, threadTs?: string): Promise<string>;
  /** Replaces a message in place. */
  update(channelId: string, ts: string, message: ChatMessage): Promise<void>;
}
