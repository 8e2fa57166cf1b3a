import { jobOutStreamKey } from '@agentsmith/contracts';
import { FakeSlackApi, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, nextTs, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { FakeJobSpawner } from '../../test/support/fake-job-spawner.js';

describe('relay/two-replicas', () => {
  let redis: RedisTestContext;
  let slack: FakeSlackApi;
  const spawner = new FakeJobSpawner();
  let first: DispatcherHarness;
  let second: DispatcherHarness;

  beforeAll(async () => {
    redis = await redisTestContext();
    slack = await new FakeSlackApi().start();
    first = await DispatcherHarness.start({ redis, slack, spawner, instanceId: 'replica-a' });
    second = await DispatcherHarness.start({ redis, slack, spawner, instanceId: 'replica-b' });
  });

  afterAll(async () => {
    await first.stop();
    await second.stop();
    for (const spec of spawner.attempted) first.trackJob(spec.jobId, spec.channelId);
    await slack.stop();
    await redis.cleanup();
  });

  it('handles each event once and relays each entry once, in order, with two replicas on one Redis', async () => {
    const channel = uniqueChannel();
    const ts = nextTs();
    const event = { type: 'message', channel, user: 'UHUMAN', text: 'fix #9 in api-v2', ts };
    const racers = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? first : second).message(channel, 'fix #10 in api-v2'),
    );

    await Promise.all([
      first.event(event, { eventId: 'EvTWICE' }),
      second.event(event, { eventId: 'EvTWICE' }),
      ...racers,
    ]);
    await expect
      .poll(() => spawner.spawned.some((spec) => spec.channelId === channel), {
        message: 'the spawn',
      })
      .toBe(true);
    await expect
      .poll(() => slack.calls.filter((call) => call.args['channel'] === channel).length === 21)
      .toBe(true);
    const { jobId } = spawner.spawned.find((spec) => spec.channelId === channel)!;
    const lines = Array.from({ length: 40 }, (_, index) => `line ${index + 1}`);
    for (const text of lines)
      await first.agentWrites({ type: 'detail', jobId, at: Date.now(), text });
    await first.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed',
      durationMs: 1,
      changedFiles: [],
    });
    await expect
      .poll(() =>
        slack.calls.some(
          (call) =>
            call.args['channel'] === channel && String(call.args['text']).startsWith('Done:'),
        ),
      )
      .toBe(true);
    await expect
      .poll(
        async () => (await first.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);
    await expect
      .poll(
        async () => (await redis.redis.xpending(jobOutStreamKey(jobId), 'dispatcher'))[0] === 0,
        { message: 'every entry to be acknowledged' },
      )
      .toBe(true);

    const posts = slack
      .callsTo('chat.postMessage')
      .filter((call) => call.args['channel'] === channel)
      .map((call) => String(call.args['text']));
    expect(spawner.spawned.filter((spec) => spec.channelId === channel)).toHaveLength(1);
    expect(posts.filter((text) => text.startsWith('Starting job'))).toHaveLength(1);
    expect(posts.filter((text) => text.startsWith('A job is already running'))).toHaveLength(20);
    expect(
      posts.filter((text) => text.startsWith('line')).flatMap((text) => text.split('\n')),
    ).toEqual(lines);
    expect(posts.filter((text) => text.startsWith('Done:'))).toEqual(['Done: Fixed']);
    expect(first.dispatcher.metrics.jobsFinished + second.dispatcher.metrics.jobsFinished).toBe(1);
  });
});
