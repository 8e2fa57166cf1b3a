import type { Notifier } from './notifier.js';
import type { PeopleDirectory } from './people-directory.js';

/**
 * The chat the dispatcher talks through: Slack unless another is given (the demo's terminal,
 * terminal/terminal-chat.ts). Notices go out through the notifier; the directory says who people
 * are, for the access policy, and where the workspace's links point.
 */
export interface ChatSurface {
  notifier: Notifier;
  directory: PeopleDirectory & { workspaceUrl(): Promise<string | undefined> };
}
