import {
  BROKER_ENVIRONMENT,
  BUDGET_CHOICES,
  decodeBusEntry,
  jobInStreamKey,
} from '@agentsmith/contracts';
import { ProjectConfig } from '@agentsmith/providers';
import { FakeLlmApi, redisTestContext, type RedisTestContext } from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatcherHarness, uniqueChannel } from '../../test/support/dispatcher-harness.js';

const REQUESTER = 'UHUMAN';
const ADMIN = 'UADMIN';

function project(budget: Record<string, number>) {
  return ProjectConfig.parse({
    source: { type: 'github', url: 'https://github.com/acme/agent-smith-test.git' },
    tickets: { type: 'github', url: 'https://github.com/acme/agent-smith-test' },
    agent: { type: 'claude', model: 'claude-sonnet-4-5', budget },
  });
}

// claude-sonnet-4-5 costs $3 per million input tokens: 270,000 are $0.81 (81 % of $1).
const EIGHTY_ONE_CENTS = { inputTokens: 270_000, outputTokens: 0 };

describe('the budget question and the daily cap, through Slack and the broker', () => {
  let llm: FakeLlmApi;
  let harness: DispatcherHarness;
  let redis: RedisTestContext;
  const projects: Record<string, ProjectConfig> = {
    'agent-smith-test': project({ usd: 1, step_usd: 2 }),
    'api-v2': project({ usd: 5, daily_usd: 0.5 }),
  };

  beforeAll(async () => {
    llm = await FakeLlmApi.start();
    redis = await redisTestContext();
    harness = await DispatcherHarness.start({
      redis,
      // Each test leaves its paused job running: caps out of the way.
      env: { SLACK_ADMIN_USERS: ADMIN, MAX_JOBS_PER_USER: '50', MAX_JOBS_PER_PROJECT: '50' },
      dependencies: {
        broker: {
          config: {
            port: 0,
            agentUrl: 'http://dispatcher:8081',
            defaultBudget: { usd: 20 },
            budgetQuestionTimeoutSeconds: 600,
            credentials: { anthropicApiKey: 'sk-ant-real', anthropicBaseUrl: llm.baseUrl },
          },
          loadProject: (name) => Promise.resolve(projects[name]),
          host: '127.0.0.1',
          // The ledgers and the daily spending stay this test's own.
          keyPrefix: `${redis.prefix}broker:`,
        },
      },
    });
  });
  afterAll(async () => {
    await harness.stop();
    await redis.cleanup();
    await llm.stop();
  });

  /** One LLM call of the job through the broker, as its agent makes it. */
  const llmCall = (jobId: string) =>
    fetch(`${harness.dispatcher.brokerUrl}/llm/anthropic/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': harness.spawner.environments.get(jobId)?.[BROKER_ENVIRONMENT.jobToken] ?? '',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hello' }],
      }),
    });
  const ledger = (jobId: string) => harness.dispatcher.context.credentials!.ledger(jobId);
  const answersTo = async (jobId: string) =>
    (await harness.redis.redis.xrange(jobInStreamKey(jobId), '-', '+')).map(([, fields]) =>
      decodeBusEntry(fields),
    );
  /** Spends 81 % of the job's $1, then posts the budget question the broker's pause asks for. */
  // One ticket per job: a ticket already being worked on is never started twice.
  let ticket = 100;
  const pausedJob = async (channel: string, questionId: string, askedAt = Date.now()) => {
    const jobId = await harness.startJob(channel, `fix #${(ticket += 1)} in agent-smith-test`);
    llm.script({ text: 'explored', usage: EIGHTY_ONE_CENTS });
    expect((await llmCall(jobId)).status).toBe(200);
    await expect.poll(async () => (await ledger(jobId)).calls).toBe(1);
    const paused = await llmCall(jobId);
    expect(paused.status).toBe(402);
    expect(paused.headers.get('x-agentsmith-budget')).toBe('ask');
    await harness.agentWrites({
      type: 'question',
      jobId,
      at: askedAt,
      questionId,
      kind: 'budget',
      text: 'This job has spent $0.81 of its $1.00 LLM budget. Continue up to $2.00 more?',
      choices: [BUDGET_CHOICES.continue, BUDGET_CHOICES.stop],
      defaultChoice: BUDGET_CHOICES.stop,
      timeoutSeconds: 600,
    });
    await expect
      .poll(() => harness.textsIn(channel).some((text) => text.includes('Continue up to $2.00')))
      .toBe(true);
    return jobId;
  };
  const clickAnswer = (
    channel: string,
    jobId: string,
    questionId: string,
    answer: string,
    user: string,
  ) =>
    harness.click(
      channel,
      {
        actionId: `answer:${answer === BUDGET_CHOICES.continue ? 0 : 1}`,
        blockId: `question:${jobId}:${questionId}`,
        value: answer,
        messageTs: '1.1',
      },
      user,
    );

  it("refuses someone else's answer, then the requester's Continue raises the cap and the job goes on", async () => {
    const channel = uniqueChannel();
    const jobId = await pausedJob(channel, 'budget-1');

    expect(
      await clickAnswer(channel, jobId, 'budget-1', BUDGET_CHOICES.continue, 'USTRANGER'),
    ).toBe(200);
    await expect
      .poll(() => harness.textsIn(channel).some((text) => text.includes('Only <@UHUMAN>')))
      .toBe(true);
    expect(await answersTo(jobId)).toEqual([]);
    expect((await llmCall(jobId)).status).toBe(402);

    await clickAnswer(channel, jobId, 'budget-1', BUDGET_CHOICES.continue, REQUESTER);
    await expect.poll(async () => (await answersTo(jobId)).length).toBe(1);
    expect(await answersTo(jobId)).toMatchObject([
      { type: 'answer', questionId: 'budget-1', content: 'Continue', answeredBy: REQUESTER },
    ]);
    expect(harness.textsIn(channel).some((text) => text.includes('to $3.00'))).toBe(true);
    llm.script({ text: 'fixed it', usage: { inputTokens: 10, outputTokens: 10 } });
    expect((await llmCall(jobId)).status).toBe(200);
  });

  it('an admin may answer Stop; the broker then refuses every further call of the job', async () => {
    const channel = uniqueChannel();
    const jobId = await pausedJob(channel, 'budget-2');

    await clickAnswer(channel, jobId, 'budget-2', BUDGET_CHOICES.stop, ADMIN);
    await expect.poll(async () => (await answersTo(jobId)).length).toBe(1);
    const refused = await llmCall(jobId);
    expect(refused.status).toBe(402);
    expect(refused.headers.get('x-agentsmith-budget')).toBe('stopped');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      `stopped by ${ADMIN}`,
    );
  });

  it('a Continue after the timeout (the agent took Stop) stops the job in the broker instead', async () => {
    const channel = uniqueChannel();
    // Asked 20 minutes ago with a 10-minute timeout.
    const jobId = await pausedJob(channel, 'budget-3', Date.now() - 20 * 60_000);

    await clickAnswer(channel, jobId, 'budget-3', BUDGET_CHOICES.continue, REQUESTER);
    await expect
      .poll(async () => (await llmCall(jobId)).headers.get('x-agentsmith-budget'))
      .toBe('stopped');
    expect(await answersTo(jobId)).toEqual([]);
    expect(harness.textsIn(channel).some((text) => text.includes('raised the LLM budget'))).toBe(
      false,
    );
  });

  it('refuses a new job of a project at its daily cap, naming the cap and when it resets', async () => {
    const channel = uniqueChannel();
    const jobId = await harness.startJob(channel, 'fix #58 in api-v2');
    llm.script({ text: 'costly', usage: { inputTokens: 200_000, outputTokens: 0 } });
    expect((await llmCall(jobId)).status).toBe(200);
    await expect.poll(async () => (await ledger(jobId)).costUsd).toBeCloseTo(0.6, 6);
    const refused = await llmCall(jobId);
    expect(refused.headers.get('x-agentsmith-budget')).toBe('daily-cap');

    const other = uniqueChannel();
    const spawnsBefore = harness.attempted.length;
    expect(await harness.message(other, 'fix #59 in api-v2')).toBe(200);
    await expect
      .poll(() => harness.textsIn(other).find((text) => text.includes('daily LLM cap')))
      .toMatch(
        /Not starting: project \*api-v2\* reached its daily LLM cap \(\$0\.60 spent of \$0\.50, `agent\.budget\.daily_usd`\)\. The cap resets at \d{4}-\d\d-\d\d 00:00 UTC\./,
      );
    expect(harness.attempted.length).toBe(spawnsBefore);
  });
});
