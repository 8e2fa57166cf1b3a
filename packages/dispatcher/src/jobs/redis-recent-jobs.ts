import type { Redis } from 'ioredis';
import { PhaseMarks } from '@agentsmith/contracts';
import { z } from 'zod';
import type { FinishedJob, RecentJobs } from './recent-jobs.js';

/** How many finished jobs are kept: enough for a page, bounded whatever the traffic. */
export const RECENT_JOBS_KEPT = 100;

const StoredJob = z.object({
  jobId: z.string(),
  platform: z.string(),
  channelId: z.string(),
  threadTs: z.string().optional(),
  project: z.string(),
  ticketId: z.string(),
  requestedBy: z.string().optional(),
  startedAt: z.number(),
  endedAt: z.number(),
  outcome: z.enum(['succeeded', 'failed', 'cancelled']),
  label: z.string().optional(),
  step: z.number().optional(),
  total: z.number().optional(),
  costUsd: z.number().optional(),
  prUrl: z.string().optional(),
  reason: z.string().optional(),
  phases: PhaseMarks.optional(),
}) satisfies z.ZodType<FinishedJob>;

/** {@link RecentJobs} as one capped Redis list of JSON records, newest first. */
export class RedisRecentJobs implements RecentJobs {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly kept = RECENT_JOBS_KEPT,
  ) {}

  async add(job: FinishedJob): Promise<void> {
    await this.redis
      .multi()
      .lpush(this.key, JSON.stringify(job))
      .ltrim(this.key, 0, this.kept - 1)
      .exec();
  }

  async list(limit: number): Promise<FinishedJob[]> {
    const raws = await this.redis.lrange(this.key, 0, Math.min(limit, this.kept) - 1);
    // A record this version cannot read (written by a newer one) is left out, not fatal.
    return raws.flatMap((raw) => {
      let parsed;
      try {
        parsed = StoredJob.safeParse(JSON.parse(raw));
      } catch {
        return [];
      }
      return parsed.success ? [parsed.data] : [];
    });
  }
}
