import type { FixTicketIntent } from '@agentsmith/contracts';
import type { ChatOrigin } from '../jobs/job-context.js';

/** What the Slack adapter hands to the application once a request is verified and de-duplicated. */
export interface SlackHandlers {
  /**
   * A person wrote to the bot. `addressed` is true for mentions and direct messages; plain channel
   * messages are only acted on when they are a recognised command.
   */
  message(origin: ChatOrigin, text: string, addressed: boolean): Promise<void>;
  /** A question button was clicked. */
  answer(click: {
    jobId: string;
    questionId: string;
    answer: string;
    userId: string;
  }): Promise<void>;
  /** The Retry button of an error card was clicked. */
  retry(origin: ChatOrigin, request: FixTicketIntent): Promise<void>;
  /** Cancel or Keep waiting on an "agent is not responding" notice. */
  silenceNotice(click: {
    jobId: string;
    choice: 'cancel' | 'wait';
    origin: ChatOrigin;
  }): Promise<void>;
}

/** Remembers request ids for a while, across replicas, so each is handled once. */
export interface DedupStore {
  /** True the first time `key` is seen within `ttlSeconds`. */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
}
