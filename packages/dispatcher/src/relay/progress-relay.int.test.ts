import { jobInStreamKey } from '@agentsmith/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportJobLost } from '../jobs/finish-job.js';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

describe('relay/progress-relay', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    // The clicking users are admins: only the requester (UHUMAN) and admins may answer.
    harness = await DispatcherHarness.start({
      env: { SLACK_ADMIN_USERS: 'UANSWER,UFIRST,USECOND' },
    });
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('relays a whole job to Slack: start, status edits, detail, question and answer, final card', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    const at = Date.now();

    await harness.agentWrites(
      { type: 'progress', jobId, at, step: 1, total: 3, label: 'Fetching ticket' },
      { type: 'detail', jobId, at, text: 'read_file src/app.ts' },
      { type: 'progress', jobId, at, step: 2, total: 3, label: 'Writing the fix' },
      {
        type: 'question',
        jobId,
        at,
        questionId: 'q1',
        text: 'Apply the plan?',
        choices: ['Yes', 'No'],
      },
    );
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).startsWith('Question:')),
      )
      .toBe(true);
    const question = harness.slack
      .callsTo('chat.postMessage')
      .find((call) => String(call.args['text']).startsWith('Question:'))!;
    const blocks = question.args['blocks'] as Array<{
      block_id?: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    const actions = blocks.find((block) => block.block_id?.startsWith('question:'))!;
    expect(
      await harness.click(
        channel,
        {
          actionId: actions.elements![0]!.action_id,
          blockId: actions.block_id!,
          value: 'Yes',
          messageTs: question.ts!,
        },
        'UANSWER',
      ),
    ).toBe(200);
    await expect
      .poll(() =>
        harness.slack.calls.some(
          (call) => call.method === 'chat.update' && call.ts === question.ts,
        ),
      )
      .toBe(true);
    await harness.agentWrites(
      { type: 'progress', jobId, at, step: 3, total: 3, label: 'Opening the pull request' },
      {
        type: 'done',
        jobId,
        at,
        summary: 'Fixed the off-by-one',
        prUrl: 'https://github.com/o/r/pull/7',
        costUsd: 0.42,
        durationMs: 95_000,
        changedFiles: ['src/a.ts'],
      },
    );
    await expect
      .poll(() => harness.slack.calls.some((call) => String(call.args['text']).startsWith('Done:')))
      .toBe(true);

    const transcript = harness.slack.transcript();
    const starting = harness.slack.callsTo('chat.postMessage')[0]!;
    expect(transcript).toEqual([
      `chat.postMessage Starting job ${jobId} for #58 in agent-smith-test`,
      `chat.update Job ${jobId} for #58 in agent-smith-test: [1/3] Fetching ticket`,
      'chat.postMessage read_file src/app.ts',
      `chat.update Job ${jobId} for #58 in agent-smith-test: [2/3] Writing the fix`,
      'chat.postMessage Question: Apply the plan?',
      'chat.update Question: Apply the plan? (answered Yes by UANSWER)',
      `chat.update Job ${jobId} for #58 in agent-smith-test: [3/3] Opening the pull request`,
      `chat.update Job ${jobId} for #58 in agent-smith-test: succeeded`,
      'chat.postMessage Done: Fixed the off-by-one https://github.com/o/r/pull/7',
    ]);
    expect(
      harness.slack.calls.filter(
        (call) => call.method === 'chat.update' && call.args['ts'] === starting.ts,
      ),
    ).toHaveLength(4);
    const answers = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');
    expect(answers.map(([, fields]) => fields.slice(0, 12))).toEqual([
      expect.arrayContaining(['type', 'answer', 'questionId', 'q1', 'content', 'Yes']),
    ]);
    await expect
      .poll(
        async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);
    expect(harness.dispatcher.metrics.jobsFinished).toBe(1);
  });

  it('ignores clicks on unknown and already answered questions', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    await harness.agentWrites({
      type: 'question',
      jobId,
      at: Date.now(),
      questionId: 'q1',
      text: 'Go?',
      choices: ['Yes', 'No'],
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).startsWith('Question:')),
      )
      .toBe(true);
    const posted = harness.slack.calls.find((call) =>
      String(call.args['text']).startsWith('Question:'),
    )!;

    const statuses = [
      await harness.click(channel, {
        actionId: 'answer:0',
        blockId: `question:${jobId}:nope`,
        value: 'Yes',
        messageTs: posted.ts!,
      }),
      await harness.click(channel, {
        actionId: 'answer:0',
        blockId: `question:0123456789ab:q1`,
        value: 'Yes',
        messageTs: posted.ts!,
      }),
      await harness.click(
        channel,
        {
          actionId: 'answer:1',
          blockId: `question:${jobId}:q1`,
          value: 'No',
          messageTs: posted.ts!,
        },
        'UFIRST',
      ),
      await harness.click(
        channel,
        {
          actionId: 'answer:0',
          blockId: `question:${jobId}:q1`,
          value: 'Yes',
          messageTs: posted.ts!,
        },
        'USECOND',
      ),
      await harness.click(channel, {
        actionId: 'answer:0',
        blockId: 'garbage',
        value: 'Yes',
        messageTs: posted.ts!,
      }),
    ];
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => call.method === 'chat.update' && call.ts === posted.ts),
      )
      .toBe(true);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const answers = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');
    expect(answers).toHaveLength(1);
    expect(answers[0]![1]).toEqual(
      expect.arrayContaining(['content', 'No', 'answeredBy', 'UFIRST']),
    );
    expect(
      harness.slack.calls
        .filter((call) => call.method === 'chat.update' && call.ts === posted.ts)
        .map((call) => call.args['text']),
    ).toEqual(['Question: Go? (answered No by UFIRST)']);
  });

  it('posts an error card with a Retry button that starts the job again', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);

    await harness.agentWrites({
      type: 'error',
      jobId,
      at: Date.now(),
      step: 7,
      total: 9,
      stepName: 'TestCommand',
      code: 'source_no_changes',
      reason: 'The tests failed: 3 of 120.',
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) =>
          String(call.args['text']).includes('failed at TestCommand'),
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
      String(call.args['text']).includes('failed at TestCommand'),
    )!;
    const button = (
      card.args['blocks'] as Array<{
        type: string;
        elements?: Array<{ action_id: string; value: string }>;
      }>
    ).find((block) => block.type === 'actions')!.elements![0]!;
    await harness.click(channel, {
      actionId: button.action_id,
      value: button.value,
      messageTs: card.ts!,
      threadTs: String(card.args['thread_ts']),
    });
    await expect
      .poll(
        () => harness.spawner.spawned.filter((spec) => spec.channelId === channel).length === 2,
        { message: 'the retry spawn' },
      )
      .toBe(true);

    expect(card.args['text']).toBe(
      `Job ${jobId} failed at TestCommand: The tests failed: 3 of 120.`,
    );
    expect(button.action_id).toBe('retry');
    expect(
      harness.spawner.spawned
        .filter((spec) => spec.channelId === channel)
        .map((spec) => spec.intent),
    ).toEqual([
      { ticketId: '58', project: 'agent-smith-test' },
      { ticketId: '58', project: 'agent-smith-test' },
    ]);
    expect(harness.dispatcher.metrics.jobsFailed).toBe(1);
  });

  it('reports a job lost by the watchdog with an error card and frees the channel', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel);
    await harness.agentWrites({
      type: 'progress',
      jobId,
      at: Date.now(),
      step: 2,
      total: 9,
      label: 'Checking out',
    });
    await expect
      .poll(() =>
        harness.slack.calls.some((call) =>
          String(call.args['text']).endsWith('[2/9] Checking out'),
        ),
      )
      .toBe(true);

    const reported = await reportJobLost(
      harness.dispatcher.context,
      jobId,
      'out of memory, exit 137',
      'agent_out_of_memory',
    );
    await expect
      .poll(() =>
        harness.slack.calls.some((call) => String(call.args['text']).includes('out of memory')),
      )
      .toBe(true);
    await expect
      .poll(
        async () => (await harness.dispatcher.context.conversations.get('slack', channel)) === null,
        { message: 'the channel to be free' },
      )
      .toBe(true);
    // The channel is freed before the card is posted; the job is untracked once the card is in.
    await expect
      .poll(async () => harness.dispatcher.context.jobs.get(jobId), {
        message: 'the job to be untracked',
      })
      .toBeNull();
    const again = await reportJobLost(harness.dispatcher.context, jobId, 'vanished');

    expect([reported, again]).toEqual([true, false]);
    expect(
      harness.slack.calls
        .filter((call) => String(call.args['text']).includes('out of memory'))
        .map((call) => call.args['text']),
    ).toEqual([
      `Job ${jobId} failed at Checking out: The agent stopped without finishing: out of memory, exit 137.`,
    ]);
  });
});
