import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { conversationKey, jobIndexKey } from '@agentsmith/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueChannel } from '../../test/support/dispatcher-harness.js';
import type { AdmissionLimits, AdmissionRequest } from './admission-queue.js';
import { dispatcherKeys } from './job-keys.js';
import { RedisAdmissionQueue } from './redis-admission-queue.js';

describe('jobs/redis-admission-queue', () => {
  let redis: RedisTestContext;
  let sequence: number;

  const queue = (limits: Partial<AdmissionLimits> = {}) =>
    new RedisAdmissionQueue(
      redis.redis,
      dispatcherKeys(redis.prefix),
      { total: 10, perUser: 10, perProject: 10, ...limits },
      600_000,
      660_000,
    );

  const request = (fields: Partial<AdmissionRequest> = {}): AdmissionRequest => {
    sequence += 1;
    const jobId = `job${String(sequence).padStart(9, '0')}`;
    const channelId = fields.channelId ?? uniqueChannel();
    redis.track(conversationKey('slack', channelId), jobIndexKey(jobId));
    return {
      jobId,
      platform: 'slack',
      channelId,
      threadTs: `1700000000.${String(sequence).padStart(6, '0')}`,
      requestedBy: 'U1',
      project: 'shop',
      ticketId: String(sequence),
      requestedAt: Date.now(),
      ...fields,
    };
  };

  beforeEach(async () => {
    redis = await redisTestContext();
    sequence = 0;
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('holds back a user or a project at its cap while others behind them start, in order', async () => {
    const admission = queue({ total: 4, perUser: 1, perProject: 2 });
    const a1 = await admission.request(request({ requestedBy: 'UA' }));
    const a2 = await admission.request(request({ requestedBy: 'UA' }));
    const b1 = await admission.request(request({ requestedBy: 'UB' }));
    const c1 = await admission.request(request({ requestedBy: 'UC' }));
    const d1 = await admission.request(request({ requestedBy: 'UD', project: 'other' }));

    expect([a1.kind, a2.kind, b1.kind, c1.kind, d1.kind]).toEqual([
      'admitted',
      'queued',
      'admitted',
      'queued',
      'admitted',
    ]);
    expect(a2).toMatchObject({ position: 1, length: 1 });
    expect(c1).toMatchObject({ position: 2, length: 2 });

    // UA's first job ends: its second (oldest) starts; the project is full again, UC waits.
    const released = await admission.release(sequenceId(1));
    expect(released.was).toBe('running');
    expect(released.started.map((job) => job.jobId)).toEqual([sequenceId(2)]);
    expect(await admission.position(sequenceId(4))).toEqual({ position: 1, length: 1 });
  });

  it('applies a project’s own cap (max_concurrent_jobs) instead of MAX_JOBS_PER_PROJECT', async () => {
    const admission = queue({ perProject: 5 });
    const outcomes = [];
    for (let index = 0; index < 3; index += 1)
      outcomes.push(await admission.request(request({ projectCap: 2 })));
    const unlimited = await admission.request(request({ project: 'other' }));

    expect([...outcomes, unlimited].map((outcome) => outcome.kind)).toEqual([
      'admitted',
      'admitted',
      'queued',
      'admitted',
    ]);
  });

  it('starts a freed slot’s queued job exactly once, however many replicas look at once', async () => {
    const admission = queue({ total: 1 });
    await admission.request(request());
    const waiting = await Promise.all(
      Array.from({ length: 5 }, () => admission.request(request())),
    );
    expect(waiting.map((outcome) => outcome.kind)).toEqual(Array(5).fill('queued'));

    const replicas = Array.from({ length: 10 }, () => queue({ total: 1 }));
    const [release, ...passes] = await Promise.all([
      admission.release(sequenceId(1)),
      ...replicas.map((replica) => replica.admitWaiting()),
    ]);
    const started = [...release.started, ...passes.flat()].map((job) =>
      'jobId' in job ? job.jobId : '',
    );

    expect(started).toEqual([sequenceId(2)]);
    expect(await admission.position(sequenceId(3))).toEqual({ position: 1, length: 4 });
  });

  it('keeps a stopping job’s channel and ticket until its exit, queueing one request per channel and per ticket behind it', async () => {
    const admission = queue();
    const channelId = uniqueChannel();
    const old = request({ channelId, ticketId: '58' });
    await admission.request(old);
    expect(await admission.beginStop(old.jobId, Date.now() + 30_000)).toBe(true);

    const elsewhere = await admission.request(request({ ticketId: '58' }));
    const again = request({ channelId, ticketId: '58' });
    const behind = await admission.request(again);
    const third = await admission.request(request({ channelId, ticketId: '59' }));
    const fourth = await admission.request(request({ channelId, ticketId: '60' }));
    const kept = await admission.release(old.jobId, { keepIfStopping: true });
    const exited = await admission.release(old.jobId);

    expect(elsewhere).toMatchObject({ kind: 'queued' });
    expect(behind).toMatchObject({
      kind: 'ticket-busy',
      holder: { jobId: sequenceId(2), status: 'queued' },
    });
    expect(third).toMatchObject({ kind: 'queued', behindStopping: { jobId: old.jobId } });
    expect(fourth).toMatchObject({
      kind: 'channel-busy',
      holder: { jobId: sequenceId(4), status: 'queued' },
    });
    expect(kept).toEqual({ was: 'stopping', started: [] });
    expect(exited.was).toBe('running');
    expect(exited.started.map((job) => job.jobId)).toEqual([sequenceId(2), sequenceId(4)]);
    expect(await admission.stopping()).toEqual([]);
  });

  function sequenceId(index: number): string {
    return `job${String(index).padStart(9, '0')}`;
  }
});
