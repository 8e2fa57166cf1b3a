/** A `fix` request as the admission queue keeps it until it starts (it survives restarts). */
export interface AdmissionRequest {
  jobId: string;
  platform: string;
  channelId: string;
  /** Thread the job reports into. */
  threadTs: string;
  requestedBy: string;
  project: string;
  ticketId: string;
  requestedAt: number;
  /** The project's own cap (`max_concurrent_jobs` in agentsmith.yml) instead of `MAX_JOBS_PER_PROJECT`. */
  projectCap?: number;
  /** The message that shows the queue position; it becomes the job's status message. */
  statusTs?: string;
  /** When the job was admitted (set by the queue). */
  startedAt?: number;
  /** When the dispatcher stops waiting for the job (set by the queue, from `JOB_MAX_DURATION`). */
  deadlineAt?: number;
}

/** The caps `MAX_CONCURRENT_JOBS`, `MAX_JOBS_PER_USER` and `MAX_JOBS_PER_PROJECT`. */
export interface AdmissionLimits {
  total: number;
  perUser: number;
  perProject: number;
}

/** A job that holds a channel or a ticket, as a reply names it. */
export interface JobHolder {
  jobId: string;
  channelId: string;
  threadTs: string | undefined;
  project: string;
  ticketId: string;
  status: 'queued' | 'running' | 'stopping';
}

/** How a request met the channel, the ticket and the caps. */
export type AdmissionOutcome =
  | { kind: 'admitted'; started: AdmissionRequest[] }
  | {
      kind: 'queued';
      position: number;
      length: number;
      /** A cancelled job (same channel or ticket) whose container has not exited yet. */
      behindStopping: JobHolder | undefined;
      started: AdmissionRequest[];
    }
  | { kind: 'channel-busy'; holder: JobHolder }
  | { kind: 'ticket-busy'; holder: JobHolder };

/** What `release` found. */
export type ReleaseOutcome = {
  /** `running`: the job held a slot; `queued`: it was still waiting; `none`: neither. */
  was: 'running' | 'queued' | 'stopping' | 'none';
  /** Queued jobs this release let in; the caller starts them. */
  started: AdmissionRequest[];
};

/**
 * One job per channel and per ticket, and the concurrency caps, shared by every replica. A
 * request is admitted at once or waits in a FIFO queue; every change runs one admission pass
 * that claims the waiting jobs that now fit, atomically, so exactly one replica starts each.
 * Implemented on Redis in jobs/redis-admission-queue.ts.
 */
export interface AdmissionQueue {
  /** Admits or queues a new request, or says who holds its channel or ticket. */
  request(request: AdmissionRequest): Promise<AdmissionOutcome>;
  /**
   * Frees what a job holds (slot, channel, ticket) or takes it out of the queue, then admits
   * what fits. With `keepIfStopping`, a cancelled job whose container still runs keeps them.
   */
  release(jobId: string, options?: { keepIfStopping?: boolean }): Promise<ReleaseOutcome>;
  /** Admits what fits now (after a restart, or when caps changed). */
  admitWaiting(): Promise<AdmissionRequest[]>;
  /** Marks an admitted job as stopping until `deadlineAt`; false when it holds no slot. */
  beginStop(jobId: string, deadlineAt: number): Promise<boolean>;
  /** Cancelled jobs whose container has not been seen to exit, with their stop deadline. */
  stopping(): Promise<Array<{ jobId: string; deadlineAt: number }>>;
  /** The job queued for a channel, or null. */
  queuedIn(platform: string, channelId: string): Promise<AdmissionRequest | null>;
  /** The jobs waiting in the queue, oldest first, at most `limit` (the jobs page lists them). */
  queued(limit: number): Promise<AdmissionRequest[]>;
  /** Every admitted job (holding a slot) and when it was admitted. */
  admitted(): Promise<Array<{ jobId: string; admittedAt: number }>>;
  /** Whether a job is stopping. */
  isStopping(jobId: string): Promise<boolean>;
  /** Records the message that shows a queued job's position. */
  setStatusMessage(jobId: string, ts: string): Promise<void>;
  /** A queued job's place: 1-based position and the queue's length; null once it left. */
  position(jobId: string): Promise<{ position: number; length: number } | null>;
}
