import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../../test/support/broker-fixture.js';

function project(budget: Record<string, number>) {
  return {
    source: { type: 'github', url: 'https://github.com/acme/app.git' },
    tickets: { type: 'github', url: 'https://github.com/acme/app' },
    agent: { type: 'claude', model: 'claude-sonnet-4-5', budget },
  };
}

// claude-sonnet-4-5 costs $3 per million input tokens: 270,000 input tokens are $0.81.
const EIGHTY_ONE_CENTS = { inputTokens: 270_000, outputTokens: 0 };

describe('broker budget: the 80 % question, stop and the daily cap', () => {
  let llm: FakeLlmApi;
  let fixture: BrokerFixture;

  beforeAll(async () => {
    llm = await FakeLlmApi.start();
    fixture = await startBrokerFixture({
      projects: {
        paced: project({ usd: 1, step_usd: 2 }),
        capped: project({ usd: 10, daily_usd: 0.5 }),
      },
      credentials: { anthropicApiKey: 'sk-ant-real', anthropicBaseUrl: llm.baseUrl },
    });
  });
  afterAll(async () => {
    await fixture.close();
    await llm.stop();
  });
  afterEach(() => {
    llm.requests.length = 0;
  });

  const call = (token: string) =>
    fetch(`${fixture.broker.url}/llm/anthropic/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': token,
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hello' }],
      }),
    });
  /** The broker bills a call once its answer has passed through: waits for the bill. */
  const billed = (jobId: string, calls: number) =>
    expect.poll(async () => (await fixture.store.ledger(jobId)).calls).toBe(calls);
  const mint = async (name: string) => {
    const { spec, env } = await fixture.mint({ intent: { ticketId: '58', project: name } });
    return { jobId: spec.jobId, token: env[BROKER_ENVIRONMENT.jobToken]! };
  };

  it('pauses a job at 80 % with the figures of the question, and "Continue" raises its cap once', async () => {
    const { jobId, token } = await mint('paced');
    llm.script({ text: 'a', usage: EIGHTY_ONE_CENTS }, { text: 'b', usage: EIGHTY_ONE_CENTS });
    expect((await call(token)).status).toBe(200);
    await billed(jobId, 1);

    const paused = await call(token);
    expect(paused.status).toBe(402);
    expect(paused.headers.get('x-agentsmith-budget')).toBe('ask');
    expect(paused.headers.get('x-agentsmith-budget-spent-usd')).toBe('0.8100');
    expect(paused.headers.get('x-agentsmith-budget-cap-usd')).toBe('1.0000');
    expect(paused.headers.get('x-agentsmith-budget-step-usd')).toBe('2.0000');
    expect(paused.headers.get('x-agentsmith-budget-timeout-seconds')).toBe('30');
    const body = (await paused.json()) as { error: { message: string } };
    expect(body.error.message).toContain('continue up to $2.00 more');
    expect(llm.requests).toHaveLength(1);

    expect(await fixture.budget.continueJob(jobId, 'budget-1')).toBe(3);
    // A second click (or a retried answer) of the same question adds nothing.
    expect(await fixture.budget.continueJob(jobId, 'budget-1')).toBeUndefined();
    expect((await call(token)).status).toBe(200);
    expect(llm.requests).toHaveLength(2);
  });

  it('raises nothing for a job the broker did not pause (a question the agent made up)', async () => {
    const { jobId, token } = await mint('paced');
    expect(await fixture.budget.continueJob(jobId, 'budget-made-up')).toBeUndefined();
    llm.script({ text: 'a', usage: EIGHTY_ONE_CENTS });
    expect((await call(token)).status).toBe(200);
    await billed(jobId, 1);
    expect((await call(token)).headers.get('x-agentsmith-budget')).toBe('ask');
  });

  it('refuses every call after "Stop", saying so', async () => {
    const { jobId, token } = await mint('paced');
    llm.script({ text: 'a', usage: EIGHTY_ONE_CENTS });
    expect((await call(token)).status).toBe(200);
    await fixture.budget.stopJob(jobId, 'stopped by U1 at the budget question');
    // "Continue" after "Stop" cannot reopen the tap.
    expect(await fixture.budget.continueJob(jobId, 'budget-late')).toBeUndefined();

    const refused = await call(token);
    expect(refused.status).toBe(402);
    expect(refused.headers.get('x-agentsmith-budget')).toBe('stopped');
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'stopped by U1',
    );
    expect(llm.requests).toHaveLength(1);
  });

  it("counts every job of a project against its daily cap and refuses a running job's call at it", async () => {
    const first = await mint('capped');
    const second = await mint('capped');
    expect(await fixture.budget.dailyCapReached('capped')).toBeUndefined();
    llm.script(
      { text: 'a', usage: { inputTokens: 100_000, outputTokens: 0 } },
      { text: 'b', usage: { inputTokens: 100_000, outputTokens: 0 } },
    );
    expect((await call(first.token)).status).toBe(200);
    await billed(first.jobId, 1);
    expect((await call(second.token)).status).toBe(200);
    await billed(second.jobId, 1);

    const reached = await fixture.budget.dailyCapReached('capped');
    expect(reached).toMatchObject({ project: 'capped', capUsd: 0.5 });
    expect(reached?.spentUsd).toBeCloseTo(0.6, 6);
    expect(new Date(reached!.resetsAt).toISOString()).toMatch(/T00:00:00\.000Z$/);
    const refused = await call(first.token);
    expect(refused.status).toBe(402);
    expect(refused.headers.get('x-agentsmith-budget')).toBe('daily-cap');
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('$0.50 daily LLM cap (agent.budget.daily_usd)');
    expect(message).toMatch(/resets at \d{4}-\d\d-\d\d 00:00 UTC/);
    expect(llm.requests).toHaveLength(2);
  });
});
