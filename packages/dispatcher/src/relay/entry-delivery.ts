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

/**
 * Turns one job's stream entries into chat calls, in order: progress edits the status message
 * (consecutive progress entries coalesce into one edit, at most one edit per interval), details are
 * batched into thread posts, questions get buttons, Done/Error get their cards. An entry is
 * acknowledged only after the chat accepted it; a delivery cursor makes a replay skip what was sent.
 */
export class EntryDelivery {
  readonly #lastEdit = new Map<string, number>();
  readonly #lastDetail = new Map<string, number>();
  readonly #interval: number;
  readonly #now: () => number;
  readonly #sanitizer: SecretSanitizer;

  constructor(private readonly options: EntryDeliveryOptions) {
    this.#interval = options.minIntervalMs ?? 1000;
    this.#sanitizer = options.sanitizer ?? new SecretSanitizer();
    this.#now = options.now ?? Date.now;
  }

  async deliverBatch(jobId: string, raw: RawEntry[]): Promise<BatchResult> {
    const { store, metrics, logger } = this.options;
    const job = await store.get(jobId);
    if (!job) {
      await store.markDelivered(
        jobId,
        raw.map(([id]) => id),
      );
      return 'ended';
    }
    const delivered = await store.delivered(jobId);
    const entries: Array<{ id: string; entry: BusEntry | undefined }> = raw.map(([id, fields]) => {
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
    let index = 0;
    while (index < entries.length) {
      const { id, entry } = entries[index] as { id: string; entry: BusEntry | undefined };
      if (!entry || compareStreamIds(id, delivered) <= 0) {
        if (entry && isFinalEntry(entry)) {
          await this.options.onFinal(job, entry);
          await store.markDelivered(
            jobId,
            entries.slice(index).map((item) => item.id),
          );
          return 'ended';
        }
        await store.markDelivered(jobId, [id]);
        index += 1;
        continue;
      }
      let end = index + 1;
      if (entry.type === 'progress' || entry.type === 'detail') {
        while (
          end < entries.length &&
          entries[end]?.entry?.type === entry.type &&
          (entry.type === 'progress' || end - index < MAX_DETAIL_LINES)
        )
          end += 1;
      }
      const group = entries.slice(index, end);
      const last = group[group.length - 1]?.entry as BusEntry;
      try {
        await this.#deliver(
          job,
          entry.type === 'detail' ? group.map((item) => item.entry as BusEntry) : [last],
        );
      } catch (error) {
        if (error instanceof AppError && error.retryable) {
          logger.warn(
            { err: error, jobId },
            'Chat call failed; the entry stays pending and is retried',
          );
          return 'retry';
        }
        logger.error({ err: error, jobId, entryId: id }, 'Chat refused an entry; skipping it');
      }
      const ids = group.map((item) => item.id);
      metrics.relayEntries += ids.length;
      metrics.relayLagMs = Math.max(0, this.#now() - last.at);
      if (isFinalEntry(last)) {
        await store.markDeliveredCursorOnly(jobId, ids[ids.length - 1] as string);
        await this.options.onFinal(job, last);
        await store.markDelivered(
          jobId,
          entries.slice(index).map((item) => item.id),
        );
        return 'ended';
      }
      await store.markDelivered(jobId, ids);
      index = end;
    }
    return 'ok';
  }

  async #throttle(map: Map<string, number>, jobId: string): Promise<void> {
    const wait = (map.get(jobId) ?? 0) + this.#interval - this.#now();
    if (wait > 0) await sleep(wait);
    map.set(jobId, this.#now());
  }

  async #deliver(job: TrackedJob, group: BusEntry[]): Promise<void> {
    const { notifier, store } = this.options;
    const entry = group[group.length - 1] as BusEntry;
    switch (entry.type) {
      case 'progress': {
        const progress = {
          step: entry.step,
          total: entry.total,
          label: entry.label,
          ...(entry.costUsd === undefined ? {} : { costUsd: entry.costUsd }),
        };
        const notice = { kind: 'progress', job, progress } as const;
        let edited = false;
        if (job.statusTs) {
          await this.#throttle(this.#lastEdit, job.jobId);
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
        await store.patch(job.jobId, { ...progress, ...agentPhases });
        return;
      }
      case 'detail': {
        const details = group.flatMap((item) => (item.type === 'detail' ? [item] : []));
        const lines = details.flatMap((item) => (item.egressRefused ? [] : [item.text]));
        if (lines.length > 0) {
          await this.#throttle(this.#lastDetail, job.jobId);
          await notifier.post(job.channelId, { kind: 'details', lines }, job.threadTs);
        }
        // Written by the broker's egress proxy, once per refused host (broker/egress-proxy.ts).
        for (const { egressRefused } of details) {
          if (!egressRefused) continue;
          await this.#throttle(this.#lastDetail, job.jobId);
          await notifier.post(
            job.channelId,
            { kind: 'egress-refused', job, ...egressRefused },
            job.threadTs,
          );
        }
        return;
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
        return;
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
          await this.#throttle(this.#lastEdit, job.jobId);
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
        this.#lastDetail.delete(job.jobId);
        return;
      }
      case 'heartbeat':
      case 'answer':
      case 'cancel':
        return;
    }
  }
}
