import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type JobSpec } from '@agentsmith/contracts';
import { FakeJobSpawner } from './fake-job-spawner.js';
import { redisJobLookups } from './job-redis-lookups.js';
import { reapOrphans } from './reap-orphans.js';

const now = 1_000_000_000;

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

describe('spawners/reap-orphans', () => {
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
      activeJobs: { isActive: (id) => Promise.resolve(active.has(id)) },
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

describe('spawners/job-redis-lookups', () => {
  const store = new Map<string, string>([
    ['job-index:000000000001', 'conversation:slack:C1'],
    ['job-index:000000000002', 'conversation:slack:C2'],
    [
      'conversation:slack:C1',
      JSON.stringify({
        schemaVersion: 1,
        jobId: '000000000001',
        platform: 'slack',
        channelId: 'C1',
        project: 'p',
        ticketId: '1',
        startedAt: 1,
        deadlineAt: 2,
      }),
    ],
  ]);
  const streams = new Map<string, Array<[string, string[]]>>([
    [
      'job:000000000001:out',
      [
        ['2-0', ['v', '1', 'type', 'done', 'summary', 'ok']],
        ['1-0', ['v', '1', 'type', 'progress']],
      ],
    ],
    ['job:000000000002:out', [['1-0', ['v', '1', 'type', 'progress']]]],
  ]);
  const lookups = redisJobLookups({
    get: (key) => Promise.resolve(store.get(key) ?? null),
    lastEntries: (key) => Promise.resolve(streams.get(key) ?? []),
  });

  it.each([
    ['000000000001', true, true],
    ['000000000002', false, false],
    ['000000000009', false, false],
  ])('job %s: active %s, final entry %s', async (jobId, active, final) => {
    expect([await lookups.isActive(jobId), await lookups.hasFinalEntry(jobId)]).toEqual([
      active,
      final,
    ]);
  });
});
