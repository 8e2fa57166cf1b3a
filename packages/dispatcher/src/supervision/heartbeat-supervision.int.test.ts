import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackCall } from '@agentsmith/testkit';
import { DispatcherHarness, textOf, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import {
  UNRESPONSIVE_CANCEL_ACTION_ID,
  UNRESPONSIVE_WAIT_ACTION_ID,
} from '../slack/message-blocks.js';

/** The action ids of the buttons a call's blocks carry. */
function buttonsOf(call: SlackCall | undefined): string[] {
  const blocks = (call?.args['blocks'] ?? []) as Array<{
    type: string;
    elements?: Array<{ action_id?: string }>;
  }>;
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));
}

function textArg(call: SlackCall | undefined, name: string): string {
  const value = call?.args[name];
  return typeof value === 'string' ? value : '';
}

describe('supervision/heartbeat (HEARTBEAT_TIMEOUT)', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start({
      env: { HEARTBEAT_TIMEOUT: '2s' },
      dependencies: { supervise: true },
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  const notices = (channel: string) =>
    harness.slack.calls.filter(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args['channel'] === channel &&
        textOf(call).includes('is not responding'),
    );

  it('says a silent agent is not responding, withdraws it when the agent speaks, and stops it after a second silence', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.trackJob(jobId, channel);
    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 2,
      total: 9,
      label: 'Checking out the source',
    });

    await expect.poll(() => notices(channel).length, { timeout: 15_000 }).toBe(1);
    const notice = notices(channel)[0];
    expect(textOf(notice)).toMatch(
      new RegExp(`^The agent of job ${jobId} \\(#58 in agent-smith-test\\) is not responding`),
    );
    expect(buttonsOf(notice)).toEqual([UNRESPONSIVE_CANCEL_ACTION_ID, UNRESPONSIVE_WAIT_ACTION_ID]);

    // A heartbeat is a sign of life: the notice is withdrawn.
    await harness.agentWrites({ type: 'heartbeat', jobId, at: Date.now() });
    await expect
      .poll(
        () =>
          harness.slack.calls.some(
            (call) =>
              call.method === 'chat.update' &&
              call.args['ts'] === notice?.ts &&
              textOf(call) === `Job ${jobId}: the agent is responding again.`,
          ),
        { timeout: 15_000 },
      )
      .toBe(true);

    // Silent again: a second notice; "Keep waiting" counts the silence afresh.
    await expect.poll(() => notices(channel).length, { timeout: 15_000 }).toBe(2);
    const second = notices(channel)[1];
    expect(
      await harness.click(channel, {
        actionId: UNRESPONSIVE_WAIT_ACTION_ID,
        value: jobId,
        messageTs: second?.ts ?? '',
        threadTs: textArg(second, 'thread_ts'),
      }),
    ).toBe(200);
    await expect
      .poll(() =>
        harness.slack.calls.some(
          (call) =>
            call.method === 'chat.update' &&
            call.args['ts'] === second?.ts &&
            textOf(call) === `Job ${jobId}: waiting for the agent, as <@UHUMAN> chose.`,
        ),
      )
      .toBe(true);

    // Still silent: a third notice, then, another timeout later, the job is ended and stopped.
    await expect.poll(() => notices(channel).length, { timeout: 15_000 }).toBe(3);
    await expect
      .poll(
        () => harness.slack.calls.find((call) => textOf(call).startsWith(`Job ${jobId} failed at`)),
        { timeout: 15_000 },
      )
      .toBeDefined();
    const card = harness.slack.calls.find((call) =>
      textOf(call).startsWith(`Job ${jobId} failed at`),
    );
    expect(textOf(card)).toMatch(
      new RegExp(
        `^Job ${jobId} failed at Checking out the source: The agent stopped without finishing: it sent nothing for \\d+s, not even a heartbeat \\(HEARTBEAT_TIMEOUT is 2s\\)\\.$`,
      ),
    );
    expect(JSON.stringify(card?.args['blocks'])).toContain('agent_unresponsive');
    await expect.poll(() => harness.spawner.stopped.map((stop) => stop.jobId)).toEqual([jobId]);
    await expect
      .poll(async () => harness.dispatcher.context.conversations.get('slack', channel))
      .toBeNull();
    expect(
      harness.slack.calls.filter((call) => textOf(call).startsWith(`Job ${jobId} failed`)),
    ).toHaveLength(1);
  }, 60_000);

  it('lets only the requester or an admin keep a silent job waiting', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.trackJob(jobId, channel);
    await expect.poll(() => notices(channel).length, { timeout: 15_000 }).toBe(1);
    const notice = notices(channel)[0];

    await harness.click(
      channel,
      {
        actionId: UNRESPONSIVE_WAIT_ACTION_ID,
        value: jobId,
        messageTs: notice?.ts ?? '',
        threadTs: textArg(notice, 'thread_ts'),
      },
      'USTRANGER',
    );
    await expect
      .poll(() =>
        harness
          .textsIn(channel)
          .some((text) =>
            text.startsWith(`Only <@UHUMAN> or an admin can keep waiting for job ${jobId}.`),
          ),
      )
      .toBe(true);
    expect((await harness.dispatcher.context.jobs.get(jobId))?.keepWaitingAt).toBeUndefined();
    expect(
      harness.slack.calls.some(
        (call) => call.method === 'chat.update' && textOf(call).includes('waiting for the agent'),
      ),
    ).toBe(false);
  }, 30_000);

  it('cancels the job from the notice', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.trackJob(jobId, channel);
    await expect.poll(() => notices(channel).length, { timeout: 15_000 }).toBe(1);
    const notice = notices(channel)[0];

    await harness.click(channel, {
      actionId: UNRESPONSIVE_CANCEL_ACTION_ID,
      value: jobId,
      messageTs: notice?.ts ?? '',
      threadTs: textArg(notice, 'thread_ts'),
    });
    await expect
      .poll(() =>
        harness
          .textsIn(channel)
          .some((text) => text.startsWith(`Job ${jobId} cancelled by <@UHUMAN>; stopping it`)),
      )
      .toBe(true);
    await expect
      .poll(async () => harness.dispatcher.context.conversations.get('slack', channel))
      .toBeNull();
  }, 30_000);

  it('never calls an agent that has finished "not responding" while its final card waits for Slack', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.trackJob(jobId, channel);
    await expect.poll(() => harness.textsIn(channel).length).toBeGreaterThan(0);
    harness.slack.outage(7_000);
    await harness.agentWrites({
      type: 'done',
      jobId,
      at: Date.now(),
      summary: 'Fixed',
      durationMs: 1,
      changedFiles: [],
    });

    await expect
      .poll(() => harness.textsIn(channel).some((text) => text.startsWith('Done:')), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(notices(channel)).toEqual([]);
  }, 40_000);

  it('names in the crash card the step the thread showed, not the one the report was written at', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    harness.trackJob(jobId, channel);
    // The watchdog's report (written at step 1, the record's step then) arrives right behind a
    // progress entry the relay had not shown yet.
    await harness.agentWrites(
      { type: 'progress', jobId, at: Date.now(), step: 1, total: 9, label: 'Fetching ticket' },
      { type: 'progress', jobId, at: Date.now(), step: 2, total: 9, label: 'Checking out' },
      {
        type: 'error',
        jobId,
        at: Date.now(),
        step: 1,
        total: 9,
        stepName: 'Fetching ticket',
        code: 'agent_crashed',
        reason: 'The agent stopped without finishing: exit 1.',
        outcome: 'failed',
      },
    );
    await expect
      .poll(() => harness.textsIn(channel).find((text) => text.startsWith(`Job ${jobId} failed`)))
      .toBe(`Job ${jobId} failed at Checking out: The agent stopped without finishing: exit 1.`);
    const statusTexts = harness.textsIn(channel).filter((text) => text.includes('] '));
    expect(statusTexts.at(-1)).toContain('[2/9] Checking out');
  });
});
