import type { OutboundEntry } from '@agentsmith/contracts';
import { FakeSlackApi, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DispatcherHarness,
  type HarnessOptions,
  nextTs,
  textOf,
  uniqueChannel,
} from '../../test/support/dispatcher-harness.js';
import { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';

const WAIT = { timeout: 20_000, interval: 20 };

function done(jobId: string): OutboundEntry {
  return {
    type: 'done',
    jobId,
    at: Date.now(),
    summary: 'Fixed it',
    prUrl: 'https://github.com/o/r/pull/7',
    costUsd: 0.1,
    durationMs: 1_000,
    changedFiles: ['src/a.ts'],
  };
}

function crashed(jobId: string): OutboundEntry {
  return {
    type: 'error',
    jobId,
    at: Date.now(),
    step: 2,
    total: 9,
    stepName: 'FetchTicket',
    code: 'agent_crashed',
    reason: 'The agent stopped without finishing: exit 1.',
    outcome: 'failed',
  };
}

/** The job id a "queued" reply names, and the reply's ts. */
function queuedReply(harness: DispatcherHarness, channel: string) {
  const call = harness.slack
    .callsTo('chat.postMessage')
    .find(
      (candidate) =>
        candidate.args['channel'] === channel && /: queued, position/.test(textOf(candidate)),
    );
  const jobId = /^Job (\w+) /.exec(textOf(call))?.[1];
  return call && jobId ? { jobId, ts: call.ts ?? '', text: textOf(call) } : undefined;
}

describe('jobs/admission (queue, caps, one job per channel and per ticket, stopping)', () => {
  let redis: RedisTestContext;
  let slack: FakeSlackApi;
  let spawner: FakeJobSpawner;
  const harnesses: DispatcherHarness[] = [];

  const start = async (options: Partial<HarnessOptions<FakeJobSpawner>> = {}) => {
    const harness = await DispatcherHarness.start({ redis, slack, spawner, ...options });
    harnesses.push(harness);
    return harness;
  };
  const spawnedIn = (channel: string) =>
    spawner.spawned.filter((spec) => spec.channelId === channel).map((spec) => spec.jobId);

  beforeEach(async () => {
    redis = await redisTestContext();
    slack = await new FakeSlackApi().start();
    spawner = new FakeJobSpawner();
  });

  afterEach(async () => {
    for (const harness of harnesses.splice(0)) await harness.stop();
    await slack.stop();
    await redis.cleanup();
  });

  it('queues the cap plus one with its position and starts it after the first ends, across a dispatcher restart', async () => {
    const env = { MAX_CONCURRENT_JOBS: '2' };
    const first = await start({ env, instanceId: 'replica-before' });
    const [one, two, three, four] = [1, 2, 3, 4].map(() => uniqueChannel()) as [
      string,
      string,
      string,
      string,
    ];
    const running = await first.startJob(one, 'fix #1 in agent-smith-test');
    await first.startJob(two, 'fix #2 in agent-smith-test');
    await first.message(three, 'fix #3 in agent-smith-test');
    await expect.poll(() => queuedReply(first, three), WAIT).toBeDefined();
    await first.message(four, 'fix #4 in api-v2', { user: 'USECOND' });
    await expect.poll(() => queuedReply(first, four), WAIT).toBeDefined();
    const third = queuedReply(first, three)!;
    const fourth = queuedReply(first, four)!;
    await first.dispatcher.close(1_000);

    const second = await start({ env, instanceId: 'replica-after' });
    await second.agentWrites(done(running));
    await expect.poll(() => spawnedIn(three), WAIT).toEqual([third.jobId]);

    expect(third.text).toMatch(
      new RegExp(`^Job ${third.jobId} for #3 in agent-smith-test: queued, position 1 of 1;`),
    );
    expect(fourth.text).toMatch(
      new RegExp(`^Job ${fourth.jobId} for #4 in api-v2: queued, position 2 of 2;`),
    );
    expect(
      slack
        .callsTo('chat.update')
        .filter((call) => call.ts === third.ts)
        .map(textOf),
    ).toContain(`Starting job ${third.jobId} for #3 in agent-smith-test`);
    expect(spawnedIn(four)).toEqual([]);
    expect((await second.dispatcher.context.admission.position(fourth.jobId))?.position).toBe(1);
  });

  it('takes a queued job out of the queue on cancel by its requester, not by someone else', async () => {
    const harness = await start({ env: { MAX_CONCURRENT_JOBS: '1' } });
    const [busy, waiting, later] = [uniqueChannel(), uniqueChannel(), uniqueChannel()];
    const running = await harness.startJob(busy, 'fix #1 in agent-smith-test');
    await harness.message(waiting, 'fix #2 in agent-smith-test');
    await expect.poll(() => queuedReply(harness, waiting), WAIT).toBeDefined();
    const queued = queuedReply(harness, waiting)!;

    await harness.message(waiting, 'cancel', { user: 'USTRANGER' });
    await expect
      .poll(
        () => harness.textsIn(waiting, 'chat.postMessage').some((text) => text.startsWith('Only')),
        WAIT,
      )
      .toBe(true);
    await harness.message(waiting, 'cancel');
    await expect
      .poll(() => harness.textsIn(waiting, 'chat.update').at(-1), WAIT)
      .toBe(`Job ${queued.jobId} was taken out of the queue by <@UHUMAN>; it will not start.`);
    await harness.agentWrites(done(running));
    const next = await harness.startJob(later, 'fix #3 in agent-smith-test');

    expect(harness.textsIn(waiting, 'chat.postMessage')).toContain(
      `Only <@UHUMAN> or an admin can cancel job ${queued.jobId}. Ask whoever runs Agent Smith (SLACK_ADMIN_USERS) if you need it.`,
    );
    expect(spawnedIn(waiting)).toEqual([]);
    expect(spawnedIn(later)).toEqual([next]);
    expect(await harness.dispatcher.context.admission.position(queued.jobId)).toBeNull();
  });

  it('starts one job for a ticket asked for from many channels; the others get a link to its thread', async () => {
    const harness = await start();
    const channels = Array.from({ length: 8 }, () => uniqueChannel());

    await Promise.all(
      channels.map((channel) => harness.message(channel, 'fix #77 in agent-smith-test')),
    );
    await expect
      .poll(() => channels.filter((channel) => harness.textsIn(channel).length > 0).length, WAIT)
      .toBe(8);

    const started = spawner.spawned.filter((spec) => spec.intent.ticketId === '77');
    expect(started).toHaveLength(1);
    const { jobId, channelId, threadId } = started[0]!;
    const link = `https://slack.com/archives/${channelId}/p${threadId!.replace('.', '')}`;
    const others = channels.filter((channel) => channel !== channelId);
    for (const channel of others) {
      const reply = harness.slack
        .callsTo('chat.postMessage')
        .find((call) => call.args['channel'] === channel)!;
      expect(textOf(reply)).toBe(
        `A job is already running for this ticket (one job per ticket): job ${jobId} for #77 in agent-smith-test. Follow it there; ask again once it has finished.`,
      );
      expect(JSON.stringify(reply.args['blocks'])).toContain(`<${link}|job ${jobId}`);
    }
  });

  it('says "stopping" to a fix after cancel and starts it by itself once the old container exits', async () => {
    const harness = await start({ env: { CANCEL_GRACE_SECONDS: '3600' } });
    const channel = uniqueChannel();
    const old = await harness.startJob(channel, 'fix #58 in agent-smith-test');
    await harness.message(channel, 'cancel');
    await expect.poll(() => harness.dispatcher.context.admission.isStopping(old), WAIT).toBe(true);

    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect.poll(() => queuedReply(harness, channel), WAIT).toBeDefined();
    const queued = queuedReply(harness, channel)!;
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(
        () =>
          harness
            .textsIn(channel, 'chat.postMessage')
            .filter((text) => text.startsWith('A job is already queued')).length,
        WAIT,
      )
      .toBe(1);
    await harness.message(channel, 'status');
    await expect
      .poll(() => harness.textsIn(channel, 'chat.postMessage').slice(-2), WAIT)
      .toEqual([
        `Job ${old} is already stopping; the channel is free once its container has exited.`,
        queued.text,
      ]);
    expect(spawnedIn(channel)).toEqual([old]);
    expect(spawner.stopped).toEqual([]);

    spawner.finish(old, { reason: 'exited', exitCode: 0, message: 'exited 0' });
    await expect.poll(() => spawnedIn(channel), WAIT).toEqual([old, queued.jobId]);

    expect(queued.text).toBe(
      `Job ${queued.jobId} for #58 in agent-smith-test: queued, position 1 of 1; job ${old} is stopping; this one starts by itself once its container has exited.`,
    );
    await expect
      .poll(() => harness.textsIn(channel, 'chat.update'), WAIT)
      .toContain(`Starting job ${queued.jobId} for #58 in agent-smith-test`);
    expect((await harness.dispatcher.context.conversations.get('slack', channel))?.jobId).toBe(
      queued.jobId,
    );
  });

  it('enforces the stop deadline kept in Redis after a dispatcher restart, then starts the fix waiting behind it', async () => {
    const env = { CANCEL_GRACE_SECONDS: '60', JOB_MAX_DURATION: '3h' };
    const first = await start({ env, instanceId: 'replica-cancelled' });
    const channel = uniqueChannel();
    const old = await first.startJob(channel, 'fix #58 in agent-smith-test');
    await first.message(channel, 'cancel');
    await expect.poll(() => first.dispatcher.context.admission.isStopping(old), WAIT).toBe(true);
    await first.message(channel, 'fix #58 in agent-smith-test');
    await expect.poll(() => queuedReply(first, channel), WAIT).toBeDefined();
    await first.dispatcher.close(1_000);
    expect(spawner.stopped).toEqual([]);

    // The replica that takes over lives an hour later: the 60 s deadline has long passed.
    const second = await start({
      env,
      instanceId: 'replica-later',
      dependencies: { now: () => Date.now() + 3_600_000 },
    });

    await expect.poll(() => spawner.stopped.map((stop) => stop.jobId), WAIT).toEqual([old]);
    await expect
      .poll(() => spawnedIn(channel), WAIT)
      .toEqual([old, queuedReply(first, channel)!.jobId]);
    expect(await second.dispatcher.context.admission.stopping()).toEqual([]);
  });

  it('frees the slot of a job claimed from the queue by a replica that died before starting it', async () => {
    let skewMs = 0;
    const harness = await start({
      env: { MAX_CONCURRENT_JOBS: '1', JOB_MAX_DURATION: '3h' },
      dependencies: { now: () => Date.now() + skewMs },
    });
    const [lost, waiting] = [uniqueChannel(), uniqueChannel()];
    // A replica claimed this job (it holds the one slot), then died before tracking or spawning it.
    const claimed = await harness.dispatcher.context.admission.request({
      jobId: 'abandoned001',
      platform: 'slack',
      channelId: lost,
      threadTs: '1700000000.000001',
      requestedBy: 'UGONE',
      project: 'agent-smith-test',
      ticketId: '11',
      requestedAt: Date.now(),
    });
    harness.trackJob('abandoned001', lost);
    await harness.message(waiting, 'fix #12 in agent-smith-test');
    await expect.poll(() => queuedReply(harness, waiting), WAIT).toBeDefined();

    skewMs = 3_600_000;
    await expect
      .poll(() => spawnedIn(waiting), WAIT)
      .toEqual([queuedReply(harness, waiting)!.jobId]);

    expect(claimed.kind).toBe('admitted');
    expect(await harness.dispatcher.context.conversations.get('slack', lost)).toBeNull();
  });

  it('answers a fix sent the moment the final card lands by starting it, 20 times in a row', async () => {
    const harness = await start();
    const channel = uniqueChannel();
    let current = await harness.startJob(channel, 'fix #58 in agent-smith-test');
    const answers: string[] = [];

    for (let round = 0; round < 20; round += 1) {
      const before = current;
      const fixTs = nextTs();
      const answerTo = () =>
        slack
          .callsTo('chat.postMessage')
          .find((call) => call.args['channel'] === channel && call.args['thread_ts'] === fixTs);
      // The card is visible at Slack; the dispatcher hears so only once the fix was answered.
      slack.onCall = async (call) => {
        if (call.method !== 'chat.postMessage' || !textOf(call).startsWith(`Job ${before} failed`))
          return;
        slack.onCall = undefined;
        await harness.message(channel, 'fix #58 in agent-smith-test', { ts: fixTs });
        await expect.poll(answerTo, { timeout: 10_000, interval: 5 }).toBeDefined();
      };
      await harness.agentWrites(crashed(before));
      await expect.poll(answerTo, WAIT).toBeDefined();
      answers.push(textOf(answerTo()));
      await expect.poll(() => spawnedIn(channel).length, WAIT).toBe(round + 2);
      current = spawnedIn(channel).at(-1)!;
    }

    expect(answers.filter((text) => text.startsWith('Starting job'))).toHaveLength(20);
  });
});
