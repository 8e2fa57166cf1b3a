import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('jobs/job-supervision', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start({ dependencies: { supervise: true } });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('reports a container that died without a final entry and frees the channel', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.spawned.some((spec) => spec.channelId === channel), {
        message: 'the spawn',
      })
      .toBe(true);
    const { jobId } = harness.spawner.spawned.find((spec) => spec.channelId === channel)!;
    harness.trackJob(jobId, channel);
    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 3,
      total: 9,
      label: 'Analysing',
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).endsWith('[3/9] Analysing')),
      )
      .toBe(true);

    harness.spawner.finish(jobId, {
      reason: 'out_of_memory',
      exitCode: 137,
      message: 'out of memory, exit 137',
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) =>
          String(call.args['text']).includes('failed at Analysing'),
        ),
      )
      .toBe(true);
    await expect
      .poll(
        async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);

    const card = harness.slack.calls.find((call) =>
      String(call.args['text']).includes('failed at Analysing'),
    )!;
    expect(card.args['text']).toMatch(
      new RegExp(
        `^Job ${jobId} failed at Analysing: The agent stopped without finishing: .*out of memory`,
      ),
    );
    expect(JSON.stringify(card.args['blocks'])).toContain('agent_out_of_memory');
  });

  it('ends a job that passed JOB_MAX_DURATION: error card, stop, channel freed', async () => {
    const channel = uniqueChannel();
    const jobId = 'dead' + Date.now().toString(16).slice(-8);
    harness.trackJob(jobId, channel);
    const past = Date.now() - 1_000;
    await harness.dispatcher.context.conversations.acquire(
      {
        schemaVersion: 1,
        jobId,
        platform: 'slack',
        channelId: channel,
        project: 'api-v2',
        ticketId: '3',
        startedAt: past - 600_000,
        deadlineAt: past,
      },
      60_000,
    );

    await harness.dispatcher.context.jobs.track({
      jobId,
      platform: 'slack',
      channelId: channel,
      project: 'api-v2',
      ticketId: '3',
      startedAt: past - 600_000,
      deadlineAt: past,
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) =>
          String(call.args['text']).includes(`Job ${jobId} failed`),
        ),
      )
      .toBe(true);
    await expect
      .poll(
        async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);

    const card = harness.slack.calls.find((call) =>
      String(call.args['text']).includes(`Job ${jobId} failed`),
    )!;
    expect(card.args['text']).toBe(
      `Job ${jobId} failed at agent: The agent stopped without finishing: it ran longer than its limit of 10m 00s (JOB_MAX_DURATION).`,
    );
    expect(JSON.stringify(card.args['blocks'])).toContain('run_deadline_exceeded');
    expect(harness.spawner.stopped).toEqual([{ jobId, graceSeconds: 10 }]);
  });
});

describe('jobs/job-supervision: an admitted job past JOB_MAX_DURATION', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start({
      env: { JOB_MAX_DURATION: '2s' },
      dependencies: { supervise: true },
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('is stopped once, by the stop enforcer, and its slot and channel are freed', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.trackJob(jobId, channel);
    await expect
      .poll(() => harness.textsIn(channel).some((text) => text.startsWith(`Job ${jobId} failed`)), {
        timeout: 15_000,
      })
      .toBe(true);
    await expect
      .poll(async () => harness.dispatcher.context.conversations.get('slack', channel), {
        message: 'the channel to be free',
      })
      .toBeNull();
    expect(await harness.dispatcher.context.admission.isStopping(jobId)).toBe(false);
    // A second stop would come from the relay's own stop beside the enforcer's.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(harness.spawner.stopped).toEqual([{ jobId, graceSeconds: 10 }]);
  }, 30_000);
});
