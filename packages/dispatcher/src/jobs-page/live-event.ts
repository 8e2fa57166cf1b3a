/** What the page's live stream carries (`/jobs/events`). */
export type LiveEvent =
  /** A job's step advanced: its row's step, phases and cost, as text. */
  | { type: 'progress'; jobId: string; step: string; phases: string; cost: string }
  /** Jobs started, finished, queued or left the queue: fetch the lists again. */
  | { type: 'changed' };

/** A source of live events; `subscribe` returns the unsubscribe function. */
export interface LiveFeed {
  subscribe(listener: (event: LiveEvent) => void): () => void;
}
