import { BUDGET_ASK_HEADERS, BUDGET_HEADER } from '@agentsmith/contracts';
import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { BudgetPauseError, BudgetStopError, withBudgetQuestions } from './budget-refusal.js';
import { classifyLlmError } from './llm-retry.js';

function brokerRefusal(headers: Record<string, string>, message: string): APICallError {
  return new APICallError({
    message: 'Payment Required',
    url: 'http://dispatcher:8081/llm/anthropic/messages',
    requestBodyValues: {},
    statusCode: 402,
    responseHeaders: headers,
    responseBody: JSON.stringify({ type: 'error', error: { type: 'budget_exhausted', message } }),
    isRetryable: false,
  });
}

const ASK = {
  [BUDGET_HEADER]: 'ask',
  [BUDGET_ASK_HEADERS.spentUsd]: '0.8100',
  [BUDGET_ASK_HEADERS.capUsd]: '1.0000',
  [BUDGET_ASK_HEADERS.stepUsd]: '2.0000',
  [BUDGET_ASK_HEADERS.timeoutSeconds]: '900',
};

describe('llm/budget-refusal', () => {
  it("reads the broker's pause with the figures of the question", () => {
    const classified = classifyLlmError(brokerRefusal(ASK, 'LLM budget almost spent'));
    expect(classified).toBeInstanceOf(BudgetPauseError);
    expect((classified as BudgetPauseError).pause).toEqual({
      spentUsd: 0.81,
      capUsd: 1,
      stepUsd: 2,
      timeoutSeconds: 900,
    });
  });

  it.each(['exhausted', 'stopped', 'daily-cap'])(
    'turns a %s refusal into a stop with the broker words',
    (why) => {
      const classified = classifyLlmError(
        brokerRefusal({ [BUDGET_HEADER]: why }, `refused: ${why}`),
      );
      expect(classified).toBeInstanceOf(BudgetStopError);
      expect(classified).toMatchObject({
        code: 'budget_exhausted',
        retryable: false,
        message: `refused: ${why}`,
      });
    },
  );

  it('calls again after "Continue" and stops after "Stop" or without anyone to ask', async () => {
    const pause = classifyLlmError(brokerRefusal(ASK, 'pause')) as BudgetPauseError;
    let calls = 0;
    const pausedOnce = () => {
      calls += 1;
      return calls === 1 ? Promise.reject(pause) : Promise.resolve('answer');
    };
    const asked: number[] = [];
    const answer = await withBudgetQuestions(pausedOnce, (figures) => {
      asked.push(figures.stepUsd);
      return Promise.resolve(true);
    });
    expect([answer, calls, asked]).toEqual(['answer', 2, [2]]);

    const alwaysPaused = () => Promise.reject(pause);
    await expect(withBudgetQuestions(alwaysPaused, () => Promise.resolve(false))).rejects.toThrow(
      'The job was stopped at its budget question after spending $0.81 of its $1.00 LLM budget.',
    );
    await expect(withBudgetQuestions(alwaysPaused, undefined)).rejects.toBeInstanceOf(
      BudgetStopError,
    );
  });
});
