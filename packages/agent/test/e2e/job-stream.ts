import {
  decodeBusEntry,
  encodeBusEntryArgs,
  jobInStreamKey,
  jobOutStreamKey,
  type BusEntry,
  type InboundEntry,
} from '@agentsmith/contracts';
import type { RedisTestContext } from '@agentsmith/testkit';
import { expect } from 'vitest';

/** Reads the entries of `job:<id>:out` so far. */
export async function outEntries(redis: RedisTestContext, jobId: string): Promise<BusEntry[]> {
  const entries = await redis.redis.xrange(jobOutStreamKey(jobId), '-', '+');
  return entries.map(([, fields]) => decodeBusEntry(fields));
}

/** The entries users see as steps: progress, question, done and error (no heartbeats or details). */
export function milestones(entries: BusEntry[]): string[] {
  return entries.flatMap((entry) => {
    switch (entry.type) {
      case 'progress':
        return [`progress ${entry.step}/${entry.total} ${entry.stepName ?? ''}`];
      case 'question':
        return [`question ${entry.questionId}`];
      case 'done':
        return ['done'];
      case 'error':
        return [
          `error ${entry.step} ${entry.stepName} ${entry.code} ${entry.outcome ?? ''}`.trimEnd(),
        ];
      case 'detail':
      case 'heartbeat':
      case 'answer':
      case 'cancel':
        return [];
    }
  });
}

/** Waits until an entry matching `predicate` is on `job:<id>:out` and returns it. */
export async function waitForEntry(
  redis: RedisTestContext,
  jobId: string,
  predicate: (entry: BusEntry) => boolean,
  timeout = 20_000,
): Promise<BusEntry> {
  let found: BusEntry | undefined;
  await expect
    .poll(
      async () => {
        found = (await outEntries(redis, jobId)).find(predicate);
        return found !== undefined;
      },
      { timeout, interval: 50 },
    )
    .toBe(true);
  return found as BusEntry;
}

/** Writes an answer or a cancel to `job:<id>:in`, as the dispatcher does. */
export async function sendToJob(
  redis: RedisTestContext,
  jobId: string,
  entry: DistributiveOmit<InboundEntry, 'jobId' | 'at'>,
): Promise<void> {
  const full: InboundEntry = { ...entry, jobId, at: Date.now() };
  await redis.redis.xadd(jobInStreamKey(jobId), '*', ...encodeBusEntryArgs(full));
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
