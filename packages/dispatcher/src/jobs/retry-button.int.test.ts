import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('jobs/chat-commands (Retry button)', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  const spawnedIn = (channel: string) =>
    harness.spawner.spawned.filter((spec) => spec.channelId === channel);

  async function failJob(channel: string, jobId: string) {
    await harness.agentWrites({
      type: 'error',
      jobId,
      at: Date.now(),
      step: 7,
      total: 9,
      stepName: 'TestCommand',
      code: 'source_no_changes',
      reason: 'The tests failed.',
    });
    await expect
      .poll(
        async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);
    // The channel is free before the card is posted: wait for the card too.
    const findCard = () =>
      harness.slack.calls.find((call) =>
        String(call.args['text']).startsWith(`Job ${jobId} failed at TestCommand`),
      );
    await expect.poll(findCard, { message: 'the error card' }).toBeDefined();
    const card = findCard()!;
    const button = (
      card.args['blocks'] as Array<{ type: string; elements?: Array<{ value: string }> }>
    ).find((block) => block.type === 'actions')!.elements![0]!;
    return { card, value: button.value };
  }

  it('does not start a second job when the channel is busy again; it says which job runs', async () => {
    const channel = uniqueChannel();
    const failed = await harness.startJob(channel, 'fix #58 in agent-smith-test');
    const { card, value } = await failJob(channel, failed);
    const running = await harness.startJob(channel, 'fix #59 in agent-smith-test');

    const status = await harness.click(channel, {
      actionId: 'retry',
      value,
      messageTs: card.ts!,
      threadTs: String(card.args['thread_ts']),
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) =>
          String(call.args['text']).startsWith('A job is already running'),
        ),
      )
      .toBe(true);

    expect(status).toBe(200);
    expect(spawnedIn(channel).map((spec) => spec.intent.ticketId)).toEqual(['58', '59']);
    expect(
      harness.slack
        .callsTo('chat.postMessage')
        .filter((call) => String(call.args['text']).startsWith('A job is already running'))
        .map((call) => [call.args['text'], call.args['thread_ts']]),
    ).toEqual([
      [
        expect.stringMatching(
          new RegExp(`^A job is already running in this channel: job ${running} for #59`),
        ),
        card.args['thread_ts'],
      ],
    ]);
  });

  it('starts the job once for a Retry click Slack delivers twice', async () => {
    const channel = uniqueChannel();
    const failed = await harness.startJob(channel, 'fix #58 in agent-smith-test');
    const { card, value } = await failJob(channel, failed);
    const click = {
      actionId: 'retry',
      value,
      messageTs: card.ts!,
      threadTs: String(card.args['thread_ts']),
    };

    await Promise.all([harness.click(channel, click), harness.click(channel, click)]);
    // The refused click's reply can overtake the accepted one's spawn: wait for both.
    await expect
      .poll(() =>
        harness.slack.calls.some((call) =>
          String(call.args['text']).startsWith('A job is already running'),
        ),
      )
      .toBe(true);
    await expect.poll(() => spawnedIn(channel).length, { message: 'the retry spawn' }).toBe(2);

    await expect
      .poll(() => spawnedIn(channel).map((spec) => spec.intent.ticketId), { message: 'the retry' })
      .toEqual(['58', '58']);
  });
});
