import {
  decodeBusEntry,
  encodeBusEntryArgs,
  jobInStreamKey,
  jobOutStreamKey,
  type BusEntry,
} from '@agentsmith/contracts';
import { newJobId, silentLogger } from '@agentsmith/kit';
import { redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisProgressReporter } from './redis-progress-reporter.js';

describe('progress/redis-progress-reporter', () => {
  let redis: RedisTestContext;
  let jobId: string;
  let reporter: RedisProgressReporter | undefined;
  const cancels: (string | undefined)[] = [];

  beforeEach(async () => {
    redis = await redisTestContext();
    jobId = newJobId();
    redis.track(jobOutStreamKey(jobId), jobInStreamKey(jobId));
    cancels.length = 0;
  });
  afterEach(async () => {
    await reporter?.close();
    reporter = undefined;
    await redis.cleanup();
  });

  const connect = (overrides: { heartbeatMs?: number } = {}) =>
    RedisProgressReporter.connect({
      redisUrl: redis.url.replace('redis://', ''),
      jobId,
      logger: silentLogger(),
      onCancel: (by) => cancels.push(by),
      heartbeatMs: overrides.heartbeatMs ?? 60_000,
      detailIntervalMs: 10,
    });

  async function outEntries(): Promise<BusEntry[]> {
    const entries = await redis.redis.xrange(jobOutStreamKey(jobId), '-', '+');
    return entries.map(([, fields]) => decodeBusEntry(fields));
  }

  async function sendIn(entry: BusEntry): Promise<void> {
    await redis.redis.xadd(jobInStreamKey(jobId), '*', ...encodeBusEntryArgs(entry));
  }

  it('publishes progress, details and the final entry in order, as the contract encodes them', async () => {
    reporter = await connect();

    await reporter.stepStarted({
      step: 1,
      total: 2,
      label: 'Fetching ticket',
      stepName: 'FetchTicketCommand',
    });
    reporter.detail('GET /issues/58');
    await reporter.stepEnded({
      step: 1,
      total: 2,
      label: 'Fetching ticket',
      stepName: 'FetchTicketCommand',
      status: 'completed',
      message: '',
      durationMs: 1,
    });
    await reporter.done({
      summary: 'Fixed',
      prUrl: 'https://x/pull/1',
      costUsd: 0.5,
      durationMs: 10,
      changedFiles: ['a.ts'],
    });

    const entries = await outEntries();
    expect(entries.map((entry) => entry.type)).toEqual(['progress', 'detail', 'done']);
    expect(entries[0]).toMatchObject({
      jobId,
      step: 1,
      total: 2,
      label: 'Fetching ticket',
      stepName: 'FetchTicketCommand',
    });
    expect(entries[2]).toMatchObject({
      summary: 'Fixed',
      prUrl: 'https://x/pull/1',
      costUsd: 0.5,
      changedFiles: ['a.ts'],
    });
    expect(await redis.redis.ttl(jobOutStreamKey(jobId))).toBeGreaterThan(0);
  });

  it('sends its phase marks on progress and final entries: start, first progress, completed steps, end', async () => {
    reporter = await connect();
    const step = {
      step: 2,
      total: 3,
      label: 'Checking out source',
      stepName: 'CheckoutSourceCommand',
    };

    await reporter.stepStarted(step);
    await reporter.stepEnded({ ...step, status: 'completed', message: '', durationMs: 1 });
    reporter.markPhase('firstLlmToken');
    await reporter.stepStarted({ ...step, step: 3, label: 'Testing', stepName: 'TestCommand' });
    await reporter.stepEnded({
      ...step,
      step: 3,
      stepName: 'TestCommand',
      status: 'failed',
      message: 'red',
      durationMs: 1,
    });
    await reporter.failed({ ...step, code: 'tests_failed', reason: 'red', outcome: 'failed' });

    const [first, second, final] = await outEntries();
    const firstMarks = first?.type === 'progress' ? (first.phases ?? {}) : {};
    expect(Object.keys(firstMarks).sort()).toEqual(['firstProgress', 'started']);
    expect(firstMarks.started).toBeLessThanOrEqual(firstMarks.firstProgress ?? 0);
    expect(second?.type === 'progress' && Object.keys(second.phases ?? {}).sort()).toEqual([
      'checkoutDone',
      'firstLlmToken',
      'firstProgress',
      'started',
    ]);
    // The failed TestCommand marks no testsDone; the final entry adds `ended`.
    expect(final?.type === 'error' && Object.keys(final.phases ?? {}).sort()).toEqual([
      'checkoutDone',
      'ended',
      'firstLlmToken',
      'firstProgress',
      'started',
    ]);
    expect(final?.type === 'error' && final.phases?.firstProgress).toBe(firstMarks.firstProgress);
  });

  it('writes heartbeats while the job runs', async () => {
    reporter = await connect({ heartbeatMs: 50 });

    const heartbeats = async () =>
      (await outEntries()).filter((entry) => entry.type === 'heartbeat').length;

    await expect.poll(heartbeats, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
  });

  it('asks a question and returns the answer with the matching question id', async () => {
    reporter = await connect();
    const asking = reporter.ask(
      {
        questionId: 'q2',
        text: 'Apply?',
        choices: ['Approve', 'Reject'],
        defaultChoice: 'Reject',
        timeoutSeconds: 10,
      },
      new AbortController().signal,
    );
    await sendIn({ type: 'answer', jobId, at: Date.now(), questionId: 'other', content: 'Reject' });
    await sendIn({
      type: 'answer',
      jobId,
      at: Date.now(),
      questionId: 'q2',
      content: 'Approve',
      answeredBy: 'U1',
    });

    const answer = await asking;

    expect(answer).toBe('Approve');
    expect((await outEntries())[0]).toMatchObject({
      type: 'question',
      questionId: 'q2',
      choices: ['Approve', 'Reject'],
      defaultChoice: 'Reject',
      timeoutSeconds: 10,
    });
  });

  it('takes the default when nobody answers in time', async () => {
    reporter = await connect();

    const answer = await reporter.ask(
      {
        questionId: 'q3',
        text: 'Apply?',
        choices: ['Approve', 'Reject'],
        defaultChoice: 'Reject',
        timeoutSeconds: 1,
      },
      new AbortController().signal,
    );

    expect(answer).toBe('Reject');
  });

  it('calls onCancel once for a Cancel entry, even one written before it started', async () => {
    await sendIn({ type: 'cancel', jobId, at: Date.now(), requestedBy: 'U9' });
    reporter = await connect();

    await expect.poll(() => cancels).toEqual(['U9']);
    await sendIn({ type: 'cancel', jobId, at: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(cancels).toEqual(['U9']);
  });

  it('fails fast when Redis does not answer', async () => {
    const attempt = RedisProgressReporter.connect({
      redisUrl: '127.0.0.1:1',
      jobId,
      logger: silentLogger(),
      onCancel: () => undefined,
    });

    await expect(attempt).rejects.toThrow();
  });
});
