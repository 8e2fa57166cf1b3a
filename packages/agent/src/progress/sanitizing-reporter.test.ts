import { SecretSanitizer } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import type { ProgressReporter, QuestionRequest } from './progress-reporter.js';
import { SanitizingReporter } from './sanitizing-reporter.js';

/** Built at run time so no scanner mistakes this file for one holding credentials. */
const TOKEN = `sk-ant-api03-${'Qm4'.repeat(20)}`;
const JOB_TOKEN = 'job-token-5e1d9a0c';

/** Records what reaches the reporter behind the sanitizer. */
function recording(): { reporter: ProgressReporter; seen: unknown[] } {
  const seen: unknown[] = [];
  const push = (value: unknown) => {
    seen.push(value);
    return Promise.resolve();
  };
  return {
    seen,
    reporter: {
      stepStarted: push,
      stepEnded: push,
      detail: (text) => void push(text),
      ask: (question: QuestionRequest) => push(question).then(() => question.choices[0]!),
      done: push,
      failed: push,
      close: () => Promise.resolve(),
    },
  };
}

describe('progress/sanitizing-reporter', () => {
  it('scrubs test output, questions, summaries and failure reasons; answers still match', async () => {
    const { reporter, seen } = recording();
    const sanitizing = new SanitizingReporter(reporter, new SecretSanitizer([JOB_TOKEN]));
    const step = { step: 8, total: 9, label: 'Running tests', stepName: 'TestCommand' };

    await sanitizing.stepStarted(step);
    sanitizing.detail(`FAILED test_api - KeyError: ${TOKEN}`);
    const answer = await sanitizing.ask(
      {
        questionId: 'q1',
        text: `Plan: call the API with ${JOB_TOKEN}`,
        choices: ['approve', 'reject'],
        defaultChoice: 'reject',
        timeoutSeconds: 60,
      },
      new AbortController().signal,
    );
    await sanitizing.stepEnded({
      ...step,
      status: 'failed',
      message: `exit 1: ${TOKEN}`,
      durationMs: 5,
    });
    await sanitizing.failed({
      step: 8,
      total: 9,
      stepName: 'TestCommand',
      code: 'tests_failed',
      reason: `tests failed:\nE   assert '${TOKEN}' == ''`,
      outcome: 'failed',
    });
    await sanitizing.done({ summary: `used ${JOB_TOKEN}`, durationMs: 1, changedFiles: ['a.ts'] });

    const text = JSON.stringify(seen);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(JOB_TOKEN);
    expect(seen[1]).toBe('FAILED test_api - KeyError: [redacted]');
    expect(seen[2]).toMatchObject({
      text: 'Plan: call the API with [redacted]',
      choices: ['approve', 'reject'],
    });
    expect(answer).toBe('approve');
    expect(seen[4]).toMatchObject({ reason: "tests failed:\nE   assert '[redacted]' == ''" });
    expect(seen[5]).toMatchObject({ summary: 'used [redacted]', changedFiles: ['a.ts'] });
  });
});
