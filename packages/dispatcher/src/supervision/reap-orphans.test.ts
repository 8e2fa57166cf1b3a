import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ConversationState, type JobSpec } from '@agentsmith/contracts';
import { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';
import { reapOrphans } from './reap-orphans.js';

const now = 1_000_000_000;
const holder: ConversationState = {
  schemaVersion: 1,
  jobId: '',
  platform: 'slack',
  channelId: 'C1',
  project: 'p',
  ticketId: '1',
  startedAt: 1,
  deadlineAt: 2,
};

function spec(jobId: string, createdAt: number): JobSpec {
  return {
    specificationVersion: PROTOCOL_VERSION,
    jobId,
    intent: { ticketId: '1', project: 'p' },
    platform: 'slack',
    channelId: 'C1',
    redisUrl: 'redis:6379',
    maxDurationSeconds: 600,
    createdAt,
  };
}

describe('supervision/reap-orphans', () => {
  it('removes jobs unknown to Redis, spares young and active ones', async () => {
    const spawner = new FakeJobSpawner();
    await spawner.spawn(spec('000000000001', now - 120_000));
    await spawner.spawn(spec('000000000002', now - 5_000));
    await spawner.spawn(spec('000000000003', now - 120_000));
    await spawner.spawn(spec('000000000004', now - 1_000));
    spawner.finish('000000000004');
    const active = new Set(['000000000003']);

    const result = await reapOrphans({
      spawner,
      conversations: {
        findByJobId: (id) => Promise.resolve(active.has(id) ? { ...holder, jobId: id } : null),
      },
      now: () => now,
    });

    expect(result.removed.sort()).toEqual(['000000000001', '000000000004']);
    expect(result.active.map((job) => job.jobId)).toEqual(['000000000003']);
    expect((await spawner.listJobs()).map((job) => job.jobId).sort()).toEqual([
      '000000000002',
      '000000000003',
    ]);
  });
});
