import type { ConversationState, Done, ErrorEntry, Question } from '@agentsmith/contracts';
import type { TrackedJob } from './job-store.js';

/** A job as notices name it. */
export type JobRef = Pick<TrackedJob, 'jobId' | 'ticketId' | 'project'>;

/** The progress a status notice shows. */
export interface ProgressFacts {
  step: number;
  total: number;
  label: string;
}

/**
 * What the dispatcher tells people, as facts. The application services (`jobs/`) and the relay
 * emit notices; the chat adapter (`slack/`) decides how they look.
 */
export type Notice =
  // Replies to chat commands.
  | { kind: 'help'; reason: 'greeting' | 'help' | 'unknown' }
  | { kind: 'no-job' }
  | { kind: 'command-failed'; reason: string }
  | { kind: 'projects-unreadable'; problem: string }
  | { kind: 'unknown-project'; requested: string; known: string[]; closest: string | undefined }
  | { kind: 'spawner-unavailable'; reason: string }
  | { kind: 'busy'; holder: ConversationState }
  | { kind: 'starting'; job: JobRef }
  | { kind: 'spawn-failed'; jobId: string; reason: string }
  | { kind: 'cancelled'; jobId: string; userId: string }
  | {
      kind: 'status';
      state: ConversationState;
      progress: ProgressFacts | undefined;
      costUsd: number | undefined;
      elapsedMs: number;
    }
  | {
      kind: 'tickets';
      project: string;
      tickets: Array<{ id: string; title: string }>;
      total: number;
    }
  | { kind: 'tickets-failed'; project: string; reason: string }
  | {
      kind: 'ticket-created';
      project: string;
      ticket: { id: string; title: string };
      /** False when an open ticket with the same title and description was found instead. */
      created: boolean;
    }
  | { kind: 'ticket-create-failed'; project: string; reason: string }
  | { kind: 'question-answered'; text: string; answer: string; userId: string }
  // What the relay shows of a running job.
  | { kind: 'progress'; job: JobRef; progress: ProgressFacts }
  | { kind: 'finished'; job: JobRef; outcome: 'succeeded' | 'failed' | 'cancelled' }
  | { kind: 'details'; lines: string[] }
  | { kind: 'question'; jobId: string; question: Question }
  | { kind: 'done'; job: JobRef; done: Done }
  | { kind: 'failed'; job: JobRef & Pick<TrackedJob, 'cancelledBy'>; error: ErrorEntry }
  // Faults: heartbeat supervision (supervision/heartbeat-check.ts).
  | {
      kind: 'agent-unresponsive';
      job: JobRef;
      silentMs: number;
      /** `HEARTBEAT_TIMEOUT`: how much longer it may stay silent before it is stopped. */
      timeoutMs: number;
    }
  | {
      kind: 'agent-unresponsive-withdrawn';
      job: JobRef;
      /** Who chose "Keep waiting"; undefined when the agent answered again by itself. */
      keptWaitingBy: string | undefined;
    };
