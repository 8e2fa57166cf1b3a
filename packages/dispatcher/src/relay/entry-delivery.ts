import {
  BusDecodeError,
  decodeBusEntry,
  isFinalEntry,
  type BusEntry,
  type Done,
  type ErrorEntry,
} from '@agentsmith/contracts';
import { AppError, SecretSanitizer, sleep, type Logger } from '@agentsmith/kit';
import type { RawEntry, RelayJobStore, TrackedJob } from '../jobs/job-store.js';
import type { Notifier } from '../jobs/notifier.js';
import { jobPhases } from '../jobs/phase-timings.js';
import { observePhases, type Metrics } from '../server/metrics.js';

export type BatchResult = 'ok' | 'retry' | 'ended';

export interface EntryDeliveryOptions {
  store: RelayJobStore;
  notifier: Notifier;
  logger: Logger;
  metrics: Metrics;
  /** Called once a job's final entry reached the chat (frees the channel, untracks). */
  onFinal: (job: TrackedJob, entry: Done | ErrorEntry) => Promise<void>;
  /**
   * Called before a final card is posted (and again on a retry): frees the channel first, so a
   * `fix` sent the moment the card appears is never met by the lock (jobs/finish-job.ts).
   */
  beforeFinalCard?: (job: TrackedJob) => Promise<void>;
  /** The job's LLM cost as the credential broker counted it; wins over the agent's own figure. */
  finalCost?: (jobId: string) => Promise<number | undefined>;
  /** Scrubs secrets from every entry before anything renders or stores it (default: token formats). */
  sanitizer?: SecretSanitizer;
  /** The project's repository web URL: the final card links the pull request only inside it. */
  repositoryUrl?: (project: string) => Promise<string | undefined>;
  /** Minimum time between two edits of the status message, and between two detail posts. */
  minIntervalMs?: number;
  now?: () => number;
}

/** Compares stream ids `ms-seq`. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

const MAX_DETAIL_LINES = 20;

type ProgressEntry = Extract<BusEntry, { type: 'progress' }>;

async function waitMs(ms: number): Promise<void> {
  if (ms > 0) await sleep(ms);
}

/**
 * The error card names the step the thread last showed. A death reported on the agent's behalf
 * (reportJobLost) names the step the job record held when it was written, which can lag behind
 * progress entries still waiting in the stream ahead of it.
 */
export function atShownStep(entry: ErrorEntry, job: TrackedJob): ErrorEntry {
  if (job.step === undefined || job.total === undefined || job.label === undefined) return entry;
  if (entry.step >= job.step) return entry;
  return { ...entry, step: job.step, total: job.total, stepName: job.label };
}

/** A stream entry the relay has read, decoded once (undefined when unreadable). */
export interface QueuedEntry {
  id: string;
  entry: BusEntry | undefined;
}

/** Entries that make no chat call: they never split a run of progress or detail entries. */
function isSilent(entry: BusEntry | undefined): boolean {
  return entry?.type === 'heartbeat' || entry?.type === 'answer' || entry?.type === 'cancel';
}

/** A detail line for the thread (an egress refusal gets a message of its own). */
function isDetailLine(entry: BusEntry | undefined): boolean {
  return entry?.type === 'detail' && !entry.egressRefused;
}

/**
 * Turns one job's stream entries into chat calls, in order. A thread gets at most one update per
 * interval: a status edit (consecutive progress entries coalesce into one, showing the latest)
 * and/or one post of detail lines. Each update first waits for its turn and only then takes what
 * has arrived, so everything written meanwhile goes out in it: the post carries every detail line
 * waiting, also across a run of progress entries between them (the status is edited to that run's
 * latest just before the post). Questions get buttons (never held back), Done/Error their cards. An
 * entry is acknowledged only after the chat accepted it; a delivery cursor makes a replay skip what
 * was sent.
 */
export class EntryDelivery {
  /** When each job's status message was last edited, and its thread last got a post. */
  readonly #lastEdit = new Map<string, number>();
  readonly #lastPost = new Map<string, number>();
  readonly #interval: number;
  readonly #now: () => number;
  readonly #sanitizer: SecretSanitizer;

  constructor(private readonly options: EntryDeliveryOptions) {
    this.#interval = options.minIntervalMs ?? 1000;
    this.#sanitizer = options.sanitizer ?? new SecretSanitizer();
    this.#now = options.now ?? Date.now;
  }

  /** Decodes and scrubs entries as read; an unreadable one is kept (to be acknowledged) as undefined. */
  decode(jobId: string, raw: RawEntry[]): QueuedEntry[] {
    const { metrics, logger } = this.options;
    return raw.map(([id, fields]) => {
      try {
        return { id, entry: this.#sanitizer.sanitizeStrings(decodeBusEntry(fields)) };
      } catch (error) {
        metrics.relayErrors += 1;
        logger.warn(
          {
            err: error,
            jobId,
            entryId: id,
            code: error instanceof BusDecodeError ? error.code : undefined,
          },
          'Skipping unreadable stream entry',
        );
        return { id, entry: undefined };
      }
    });
  }

  /**
   * Delivers the group of entries at the head of `queue` (one chat call, or one status edit and one
   * thread post) and removes what it delivered or skipped. The caller may append to `queue` while
   * this runs: entries that arrive during the wait for the thread's next update join the group.
   */
  async deliverNext(jobId: string, queue: QueuedEntry[]): Promise<BatchResult> {
    const { store, metrics, logger } = this.options;
    const { job, delivered } = await store.relayState(jobId);
    if (!job) {
      await store.markDelivered(
        jobId,
        queue.splice(0).map((item) => item.id),
      );
      return 'ended';
    }
    // What already reached the chat (a replay) or cannot be read is acknowledged and skipped, but
    // for the latest progress entry: its edit may be what failed after the post (see #deliver),
    // and showing it again is harmless.
    const skipped: string[] = [];
    let shownAgain: QueuedEntry | undefined;
    for (let head = queue[0]; head; head = queue[0]) {
      if (head.entry && compareStreamIds(head.id, delivered) > 0) break;
      if (head.entry && isFinalEntry(head.entry)) {
        await this.options.onFinal(job, head.entry);
        await store.markDelivered(jobId, [...skipped, ...queue.splice(0).map((item) => item.id)]);
        return 'ended';
      }
      if (head.entry?.type === 'progress') {
        if (shownAgain) skipped.push(shownAgain.id);
        shownAgain = head;
      } else skipped.push(head.id);
      queue.shift();
    }
    if (shownAgain) queue.unshift(shownAgain);
    await store.markDelivered(jobId, skipped);
    const head = queue[0]?.entry;
    if (!head) return 'ok';
    await this.#waitForTurn(job, head);
    const group = this.#group(job, queue);
    const entries = group.flatMap((item) => (item.entry ? [item.entry] : []));
    const last = entries[entries.length - 1] as BusEntry;
    const ids = group.map((item) => item.id);
    let changed: Partial<TrackedJob> = {};
    try {
      changed = await this.#deliver(job, entries, () =>
        store.markDeliveredCursorOnly(jobId, ids[ids.length - 1] as string),
      );
    } catch (error) {
      if (error instanceof AppError && error.retryable) {
        logger.warn(
          { err: error, jobId },
          'Chat call failed; the entry stays pending and is retried',
        );
        return 'retry';
      }
      logger.error({ err: error, jobId, entryId: ids[0] }, 'Chat refused an entry; skipping it');
    }
    metrics.relayEntries += ids.length;
    metrics.relayLagMs = Math.max(0, this.#now() - last.at);
    queue.splice(0, group.length);
    if (isFinalEntry(last)) {
      await store.markDeliveredCursorOnly(jobId, ids[ids.length - 1] as string);
      await this.options.onFinal(job, last);
      await store.markDelivered(jobId, [...ids, ...queue.splice(0).map((item) => item.id)]);
      return 'ended';
    }
    await store.markDelivered(jobId, ids, changed);
    return 'ok';
  }

  /** Edits the status message (or posts a new one when it is gone); answers the changed fields. */
  async #showProgress(job: TrackedJob, entry: ProgressEntry): Promise<Partial<TrackedJob>> {
    const { notifier, store } = this.options;
    const progress = {
      step: entry.step,
      total: entry.total,
      label: entry.label,
      ...(entry.costUsd === undefined ? {} : { costUsd: entry.costUsd }),
    };
    const notice = { kind: 'progress', job, progress } as const;
    let edited = false;
    this.#takeTurn(this.#lastEdit, job);
    if (job.statusTs) {
      edited = await notifier.update(job.channelId, job.statusTs, notice).then(
        () => true,
        (error: unknown) => {
          // A deleted status message must not silence the job: post a new one instead.
          if (error instanceof AppError && error.retryable) throw error;
          return false;
        },
      );
    }
    if (!edited) {
      job.statusTs = await notifier.post(job.channelId, notice, job.threadTs);
      await store.patch(job.jobId, { statusTs: job.statusTs });
    }
    const agentPhases = entry.phases ? { agentPhases: entry.phases } : {};
    Object.assign(job, progress, agentPhases);
    return { ...progress, ...agentPhases };
  }

  /**
   * Waits until the thread may take what `head` starts: at most one status edit and one post per
   * interval (a question is never held back). The interval counts from each call's start, so it
   * paces the rate, as Slack limits it (short bursts are allowed; a call slowed down on the way can
   * arrive closer to the next).
   */
  async #waitForTurn(job: TrackedJob, head: BusEntry): Promise<void> {
    if (head.type === 'detail') await waitMs(this.#untilTurn(this.#lastPost, job));
    else if (head.type === 'progress' || isFinalEntry(head))
      await waitMs(this.#untilTurn(this.#lastEdit, job));
  }

  /** How long until the next call of a kind (0 when due); a job without a status edits at once. */
  #untilTurn(last: Map<string, number>, job: TrackedJob): number {
    if (last === this.#lastEdit && job.statusTs === undefined) return 0;
    return (last.get(job.jobId) ?? Number.NEGATIVE_INFINITY) + this.#interval - this.#now();
  }

  #takeTurn(last: Map<string, number>, job: TrackedJob): void {
    last.set(job.jobId, this.#now());
  }

  /**
   * The entries at the head of `queue` that go out together: progress and detail lines up to
   * anything else, with at most one run of progress entries (the status shows its latest; a second
   * run waits for the next edit, so each run is seen), and after a leading progress run detail lines
   * only while a post is due; or one other entry.
   */
  #group(job: TrackedJob, queue: QueuedEntry[]): QueuedEntry[] {
    const head = queue[0]?.entry;
    if (head?.type !== 'progress' && !isDetailLine(head)) return queue.slice(0, 1);
    const mayPost = isDetailLine(head) || this.#untilTurn(this.#lastPost, job) <= 0;
    let end = 1;
    let lines = isDetailLine(head) ? 1 : 0;
    let progressRuns = head?.type === 'progress' ? 1 : 0;
    let previous = head?.type;
    for (let next = 1; next < queue.length; next += 1) {
      const entry = queue[next]?.entry;
      if (isDetailLine(entry)) {
        if (!mayPost || lines === MAX_DETAIL_LINES) break;
        lines += 1;
      } else if (entry?.type === 'progress') {
        if (previous !== 'progress') progressRuns += 1;
        if (progressRuns > 1) break;
      } else if (!isSilent(entry)) break;
      if (!isSilent(entry)) previous = entry?.type;
      end = next + 1;
    }
    return queue.slice(0, end);
  }

  /**
   * Makes the group's chat calls in the order of the stream's entries, and answers the fields of
   * the job record they changed (written with the acknowledgement). A group that starts with
   * detail lines posts them before the status edit; once posted they are recorded (`posted`), so a
   * failed edit makes a replay edit again without posting the lines twice.
   */
  async #deliver(
    job: TrackedJob,
    group: BusEntry[],
    posted: () => Promise<void>,
  ): Promise<Partial<TrackedJob>> {
    const { notifier, store } = this.options;
    const entry = group[0] as BusEntry;
    if (entry.type === 'progress' || isDetailLine(entry)) {
      const progress = group.filter((item) => item.type === 'progress').at(-1);
      const lines = group.flatMap((item) =>
        item.type === 'detail' && isDetailLine(item) ? [item.text] : [],
      );
      const postLines = async () => {
        if (lines.length === 0) return;
        this.#takeTurn(this.#lastPost, job);
        await notifier.post(job.channelId, { kind: 'details', lines }, job.threadTs);
      };
      if (entry.type === 'progress') {
        const changed = progress ? await this.#showProgress(job, progress) : {};
        await postLines();
        return changed;
      }
      if (!progress) {
        await postLines();
        return {};
      }
      try {
        await postLines();
      } catch (error) {
        // Lines the chat refuses for good are skipped; the status edit after them still goes out.
        if (error instanceof AppError && error.retryable) throw error;
        this.options.logger.error(
          { err: error, jobId: job.jobId },
          'Chat refused detail lines; skipping them',
        );
      }
      await posted();
      // The edit has its own turn: it comes before the next post is due, so it delays no line.
      await waitMs(this.#untilTurn(this.#lastEdit, job));
      return this.#showProgress(job, progress);
    }
    switch (entry.type) {
      case 'detail': {
        // Written by the broker's egress proxy, once per refused host (broker/egress-proxy.ts).
        if (entry.egressRefused) {
          this.#takeTurn(this.#lastPost, job);
          const refused = entry.egressRefused;
          await notifier.post(
            job.channelId,
            { kind: 'egress-refused', job, ...refused },
            job.threadTs,
          );
        }
        return {};
      }
      case 'question': {
        const ts = await notifier.post(
          job.channelId,
          { kind: 'question', jobId: job.jobId, question: entry },
          job.threadTs,
        );
        await store.saveQuestion({
          jobId: job.jobId,
          questionId: entry.questionId,
          text: entry.text,
          channelId: job.channelId,
          ts,
          status: 'pending',
          ...(entry.kind ? { kind: entry.kind } : {}),
          ...(entry.timeoutSeconds === undefined
            ? {}
            : { answerBy: entry.at + entry.timeoutSeconds * 1000 }),
        });
        return {};
      }
      case 'done':
      case 'error': {
        await this.options.beforeFinalCard?.(job);
        const outcome =
          entry.type === 'done'
            ? 'succeeded'
            : job.cancelledBy
              ? 'cancelled'
              : (entry.outcome ?? 'failed');
        if (job.statusTs) {
          this.#takeTurn(this.#lastEdit, job);
          await notifier.update(job.channelId, job.statusTs, { kind: 'finished', job, outcome });
        }
        const brokerCost = await this.options.finalCost?.(job.jobId).catch(() => undefined);
        const shown = entry.type === 'error' ? atShownStep(entry, job) : entry;
        const final = brokerCost === undefined ? shown : { ...shown, costUsd: brokerCost };
        const repositoryUrl =
          final.type === 'done'
            ? await this.options.repositoryUrl?.(job.project).catch(() => undefined)
            : undefined;
        const phases = jobPhases(job, entry.phases);
        await notifier.post(
          job.channelId,
          final.type === 'done'
            ? { kind: 'done', job, done: final, repositoryUrl, phases }
            : { kind: 'failed', job, error: final, phases },
          job.threadTs,
        );
        observePhases(this.options.metrics, phases);
        this.#lastEdit.delete(job.jobId);
        this.#lastPost.delete(job.jobId);
        return {};
      }
      case 'heartbeat':
      case 'answer':
      case 'cancel':
        return {};
    }
  }
}
