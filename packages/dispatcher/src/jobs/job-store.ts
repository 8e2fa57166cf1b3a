import type { Answer, InboundEntry, OutboundEntry, PhaseMarks } from '@agentsmith/contracts';

/** What the dispatcher remembers about a running job, beyond the channel lock. */
export interface TrackedJob {
  jobId: string;
  platform: string;
  channelId: string;
  /** Thread the job reports into (the ts of the message that asked). */
  threadTs?: string;
  /** The one status message edited in place. */
  statusTs?: string;
  project: string;
  ticketId: string;
  requestedBy?: string;
  startedAt: number;
  deadlineAt: number;
  /** Last progress the relay showed. */
  step?: number;
  total?: number;
  label?: string;
  /** LLM cost so far (USD) from the last progress entry; absent while unknown. */
  costUsd?: number;
  /** Set when someone cancelled the job. */
  cancelledBy?: string;
  /** The dispatcher's phase marks (received, acknowledged, queued, spawned; jobs/phase-timings.ts). */
  phases?: PhaseMarks;
  /** The agent's phase marks from its latest progress entry. */
  agentPhases?: PhaseMarks;
  /** Heartbeat supervision: when the "not responding" notice was posted (0 = not posted). */
  silenceNoticeAt?: number;
  /** Heartbeat supervision: that notice's message, edited when the agent answers again. */
  silenceNoticeTs?: string;
  /** Heartbeat supervision: when someone chose "Keep waiting" (silence is counted from then). */
  keepWaitingAt?: number;
  /** Heartbeat supervision: when the job was ended for staying silent after the notice. */
  silenceEndedAt?: number;
}

/** A question the relay posted, with where its buttons live. */
export interface QuestionRecord {
  jobId: string;
  questionId: string;
  text: string;
  channelId: string;
  ts: string;
  status: 'pending' | 'answered';
  answer?: string;
  answeredBy?: string;
  /** `budget`: the 80 % budget question (see the `Question` bus entry). */
  kind?: 'budget';
  /** Epoch ms after which the agent took the default answer (the question's timeout). */
  answerBy?: number;
}

/**
 * Durable bookkeeping of running jobs and the two job streams, shared by every replica.
 * Implemented on Redis in jobs/redis-job-store.ts.
 */
export interface JobStore {
  /** Starts tracking a job: the relay of every replica picks it up. */
  track(job: TrackedJob): Promise<void>;
  /** Stops tracking a job (its final entry was relayed or it never started). Idempotent. */
  untrack(jobId: string): Promise<void>;
  get(jobId: string): Promise<TrackedJob | null>;
  /** Updates some fields of a tracked job; ignored when the job is no longer tracked. */
  patch(jobId: string, fields: Partial<TrackedJob>): Promise<void>;
  /** Writes an answer or a cancel to `job:<id>:in`. */
  writeToAgent(entry: InboundEntry): Promise<void>;
  /** Writes to `job:<id>:out` on the agent's behalf (e.g. a death the agent could not report). */
  writeAsAgent(entry: OutboundEntry): Promise<void>;
  saveQuestion(question: QuestionRecord): Promise<void>;
  /**
   * Marks a pending question answered and writes the `Answer` to `job:<id>:in`, in one atomic
   * step (so a failure can never leave a question answered that the agent never hears of).
   * Returns the question, or null when it is unknown or was already answered.
   */
  claimQuestion(answer: Answer): Promise<QuestionRecord | null>;
  /** Whether the agent's final entry (`done` or `error`) is on `job:<id>:out`. */
  hasFinalEntry(jobId: string): Promise<boolean>;
  /** A question the relay posted (pending or answered), or null when unknown. */
  question(jobId: string, questionId: string): Promise<QuestionRecord | null>;
}

/** A raw stream entry: id and the alternating field list. */
export type RawEntry = [id: string, fields: string[]];

/**
 * What the relay needs beyond {@link JobStore}: the active set, one replica's lease per job, the
 * consumer group and the delivery cursor.
 */
export interface RelayJobStore extends JobStore {
  /** Pub/Sub channel announcing that the set of active jobs changed. */
  readonly jobsChangedChannel: string;
  /** Ids of every tracked job (all replicas). */
  activeJobIds(): Promise<string[]>;
  /** Takes or renews this replica's lease on relaying a job; false when another replica holds it. */
  acquireLease(jobId: string, instanceId: string, leaseMs: number): Promise<boolean>;
  /** {@link acquireLease} for many jobs in one round trip; answers in the order asked. */
  acquireLeases(jobIds: string[], instanceId: string, leaseMs: number): Promise<boolean[]>;
  /** Creates the consumer group (and the stream) if missing. */
  ensureGroup(jobId: string): Promise<void>;
  /** Moves entries another (dead or previous) consumer read but never acknowledged to `consumer`. */
  claimPending(jobId: string, consumer: string): Promise<void>;
  /** Entries delivered to `consumer` and not yet acknowledged, oldest first. */
  readPending(jobId: string, consumer: string, count: number): Promise<RawEntry[]>;
  /** The id of the last entry that reached the chat ("0-0" when none). */
  delivered(jobId: string): Promise<string>;
  /** The job and its delivery cursor in one read (`job` null when no longer tracked). */
  relayState(jobId: string): Promise<{ job: TrackedJob | null; delivered: string }>;
  /** Records that entries up to `id` reached the chat, without acknowledging them yet. */
  markDeliveredCursorOnly(jobId: string, id: string): Promise<void>;
  /**
   * Records delivery and acknowledges, in one transaction; `fields` (what the delivered entries
   * changed in the job record) are written in the same transaction.
   */
  markDelivered(jobId: string, ids: string[], fields?: Partial<TrackedJob>): Promise<void>;
  /** The replica holding a job's lease, or null (read only: renewing stays the relay's business). */
  leaseHolder(jobId: string): Promise<string | null>;
  /**
   * How long ago the last entry of `job:<id>:out` was written, measured on Redis's own clock (the
   * entry id's time) so a skewed dispatcher clock cannot fake a silence; undefined while empty.
   */
  silenceMs(jobId: string): Promise<number | undefined>;
}
