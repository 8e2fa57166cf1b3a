import type {
  AdmissionOutcome,
  AdmissionQueue,
  AdmissionRequest,
  ReleaseOutcome,
} from '../../src/jobs/admission-queue.js';
import type { ConversationStateManager } from '../../src/conversations/conversation-state-manager.js';

/**
 * An in-memory {@link AdmissionQueue} for unit tests: one job per channel through the given
 * conversation manager, no caps, no queue, no ticket locks (the real one is tested on Redis).
 */
export class ChannelOnlyAdmission implements AdmissionQueue {
  readonly #stopping = new Map<string, number>();

  constructor(
    private readonly conversations: ConversationStateManager,
    private readonly jobMaxDurationMs: number,
  ) {}

  async request(request: AdmissionRequest): Promise<AdmissionOutcome> {
    const startedAt = request.requestedAt;
    const deadlineAt = startedAt + this.jobMaxDurationMs;
    const lock = await this.conversations.acquire(
      {
        schemaVersion: 1,
        jobId: request.jobId,
        platform: request.platform,
        channelId: request.channelId,
        project: request.project,
        ticketId: request.ticketId,
        threadId: request.threadTs,
        requestedBy: request.requestedBy,
        startedAt,
        deadlineAt,
      },
      this.jobMaxDurationMs,
    );
    if (lock.acquired)
      return { kind: 'admitted', started: [{ ...request, startedAt, deadlineAt }] };
    const holder = lock.holder;
    return {
      kind: 'channel-busy',
      holder: {
        jobId: holder.jobId,
        channelId: holder.channelId,
        threadTs: holder.threadId,
        project: holder.project,
        ticketId: holder.ticketId,
        status: this.#stopping.has(holder.jobId) ? 'stopping' : 'running',
      },
    };
  }

  async release(
    jobId: string,
    options: { keepIfStopping?: boolean } = {},
  ): Promise<ReleaseOutcome> {
    if (options.keepIfStopping && this.#stopping.has(jobId))
      return { was: 'stopping', started: [] };
    this.#stopping.delete(jobId);
    const released = await this.conversations.release(jobId);
    return { was: released ? 'running' : 'none', started: [] };
  }

  admitWaiting(): Promise<AdmissionRequest[]> {
    return Promise.resolve([]);
  }

  async beginStop(jobId: string, deadlineAt: number): Promise<boolean> {
    if (!(await this.conversations.findByJobId(jobId))) return false;
    this.#stopping.set(jobId, deadlineAt);
    return true;
  }

  stopping(): Promise<Array<{ jobId: string; deadlineAt: number }>> {
    return Promise.resolve(
      [...this.#stopping].map(([jobId, deadlineAt]) => ({ jobId, deadlineAt })),
    );
  }

  admitted(): Promise<Array<{ jobId: string; admittedAt: number }>> {
    return Promise.resolve([]);
  }

  /** Nothing ever waits: a busy channel is refused, not queued. */
  queued(): Promise<AdmissionRequest[]> {
    return Promise.resolve([]);
  }

  queuedIn(): Promise<AdmissionRequest | null> {
    return Promise.resolve(null);
  }

  isStopping(jobId: string): Promise<boolean> {
    return Promise.resolve(this.#stopping.has(jobId));
  }

  setStatusMessage(): Promise<void> {
    return Promise.resolve();
  }

  position(): Promise<null> {
    return Promise.resolve(null);
  }
}
