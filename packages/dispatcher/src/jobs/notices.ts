import type {
  ConversationState,
  Done,
  ErrorEntry,
  PhaseMarks,
  Question,
} from '@agentsmith/contracts';
import type { AuditRecord } from './audit-log.js';
import type { JobHolder } from './admission-queue.js';
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
      /** The job's phase marks so far (jobs/phase-timings.ts). */
      phases?: PhaseMarks;
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
  | {
      kind: 'done';
      job: JobRef;
      done: Done;
      /** The project's repository web URL: the pull request is linked only when inside it. */
      repositoryUrl?: string | undefined;
      phases?: PhaseMarks;
    }
  | {
      kind: 'failed';
      job: JobRef & Pick<TrackedJob, 'cancelledBy'>;
      error: ErrorEntry;
      phases?: PhaseMarks;
    }
  // Access policy and audit (issue 11, access).
  | { kind: 'access-refused'; action: string; reason: string; admins: string[] }
  | {
      kind: 'not-job-owner';
      jobId: string;
      action: 'cancel' | 'answer' | 'keep-waiting';
      requestedBy: string | undefined;
      admins: string[];
    }
  | { kind: 'audit'; records: AuditRecord[] }
  // Egress (docs/security.md, "Egress"): the broker's proxy refused a host the job asked for.
  | { kind: 'egress-refused'; job: JobRef; host: string; port: number; rule: string }
  // Spending: the budget question's answers and the project's daily cap.
  | { kind: 'budget-raised'; jobId: string; capUsd: number; userId: string }
  | {
      kind: 'daily-cap-reached';
      project: string;
      capUsd: number;
      spentUsd: number;
      /** Epoch ms of the next midnight UTC. */
      resetsAt: number;
    }
  // Admission: the queue, one job per channel and per ticket, stopping after cancel.
  | {
      kind: 'queued';
      job: JobRef;
      position: number;
      length: number;
      /** A cancelled job whose container has not exited yet; the queued job waits for it. */
      behindStopping: JobHolder | undefined;
    }
  | { kind: 'job-in-the-way'; holder: JobHolder; reason: 'channel' | 'ticket' }
  | { kind: 'stopping'; jobId: string; userId: string; graceSeconds: number }
  | { kind: 'already-stopping'; jobId: string }
  | { kind: 'queue-left'; jobId: string; userId: string }
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
