import { jobInStreamKey } from '@agentsmith/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';
import { answerQuestion } from './answer-question.js';

describe('jobs/answer-question', () => {
  let harness: DispatcherHarness;

  beforeEach(async () => {
    harness = await DispatcherHarness.start();
  });

  afterEach(async () => {
    await harness.stop();
  });

  it('leaves the question pending when the Answer cannot be written, so a later click still counts', async () => {
    const channel = uniqueChannel();
    await harness.message(channel, 'fix #58 in agent-smith-test');
    await expect
      .poll(() => harness.spawner.spawned.length === 1, { message: 'the spawn' })
      .toBe(true);
    const { jobId } = harness.spawner.spawned[0]!;
    harness.trackJob(jobId, channel);
    await harness.agentWrites({
      type: 'question',
      jobId,
      at: Date.now(),
      questionId: 'q1',
      text: 'Go?',
      choices: ['Yes', 'No'],
    });
    await expect
      .poll(() => harness.slack.calls.some((call) => call.args['text'] === 'Question: Go?'))
      .toBe(true);
    const click = { jobId, questionId: 'q1', answer: 'Yes', userId: 'UHUMAN' };
    // A key of the wrong type makes the XADD to job:<id>:in fail.
    await harness.redis.redis.set(jobInStreamKey(jobId), 'not a stream');

    const failed = await answerQuestion(harness.dispatcher.context, click).then(
      () => 'answered',
      () => 'failed',
    );
    await harness.redis.redis.del(jobInStreamKey(jobId));
    const retried = await answerQuestion(harness.dispatcher.context, click);
    const again = await answerQuestion(harness.dispatcher.context, { ...click, answer: 'No' });

    expect([failed, retried, again]).toEqual(['failed', 'answered', 'not-pending']);
    const answers = await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+');
    expect(answers.map(([, fields]) => fields[fields.indexOf('content') + 1])).toEqual(['Yes']);
  });
});
