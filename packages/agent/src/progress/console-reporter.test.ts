import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ConsoleReporter,
  formatDuration,
  matchChoice,
  type ConsoleSink,
} from './console-reporter.js';

function plainSink(isTty = false): ConsoleSink & { text: string } {
  const sink = {
    text: '',
    isTty,
    write(text: string) {
      sink.text += text;
    },
  };
  return sink;
}

const question = {
  questionId: 'q',
  text: 'Apply the plan?',
  choices: ['Approve', 'Reject'],
  defaultChoice: 'Reject',
  timeoutSeconds: 5,
};

describe('progress/console-reporter', () => {
  it('prints plain lines with the step counter when stdout is not a terminal', async () => {
    const sink = plainSink();
    let now = 0;
    const reporter = new ConsoleReporter({ sink, headless: false, now: () => now });

    await reporter.stepStarted({
      step: 1,
      total: 2,
      label: 'Fetching ticket',
      stepName: 'FetchTicketCommand',
    });
    reporter.detail('GET /issues/58');
    now = 1500;
    await reporter.stepEnded({
      step: 1,
      total: 2,
      label: 'Fetching ticket',
      stepName: 'FetchTicketCommand',
      status: 'completed',
      message: '#58: Bug',
      durationMs: 1500,
    });
    await reporter.done({
      summary: 'Fixed #58',
      prUrl: 'https://x/pull/1',
      costUsd: undefined,
      durationMs: 1500,
      changedFiles: ['a.ts'],
    });

    expect(sink.text).toBe(
      [
        '[1/2] Fetching ticket',
        '    GET /issues/58',
        '[1/2] completed in 1.5s: #58: Bug',
        'Done: Fixed #58',
        'Pull request: https://x/pull/1',
        'Changed files: a.ts',
        'Cost: cost unknown',
        'Took 1.5s',
        '',
      ].join('\n'),
    );
  });

  it('draws a live status line with step counter and elapsed time on a terminal', async () => {
    const sink = plainSink(true);
    let now = 0;
    const reporter = new ConsoleReporter({
      sink,
      headless: true,
      now: () => now,
      refreshMs: 60_000,
    });

    await reporter.stepStarted({
      step: 2,
      total: 9,
      label: 'Checking out source',
      stepName: 'CheckoutSourceCommand',
    });
    now = 2500;
    await reporter.stepEnded({
      step: 2,
      total: 9,
      label: 'Checking out source',
      stepName: 'CheckoutSourceCommand',
      status: 'completed',
      message: 'Branch fix/58',
      durationMs: 2500,
    });
    await reporter.close();

    const visible = stripVTControlCharacters(sink.text);
    expect(visible).toBe(
      '\r[2/9] Checking out source… 0ms (total 0ms)\r✔ [2/9] Checking out source (2.5s) Branch fix/58\n',
    );
  });

  it('names the step and code of a failure', async () => {
    const sink = plainSink();
    const reporter = new ConsoleReporter({ sink, headless: true, now: () => 0 });

    await reporter.failed({
      step: 8,
      total: 9,
      stepName: 'TestCommand',
      code: 'tests_failed',
      reason: 'red',
      outcome: 'failed',
    });

    expect(sink.text).toBe('Failed at step 8/9 (TestCommand): red\n[tests_failed] after 0ms\n');
  });

  it('takes the default answer without prompting when headless', async () => {
    const sink = {
      ...plainSink(),
      isTty: true,
      prompt: () => Promise.reject(new Error('must not prompt')),
    };
    const reporter = new ConsoleReporter({ sink, headless: true });

    const answer = await reporter.ask(question, new AbortController().signal);

    expect(answer).toBe('Reject');
  });

  it('prompts on a terminal and understands the typed answer', async () => {
    const prompts: string[] = [];
    const sink = {
      ...plainSink(),
      isTty: true,
      prompt: (text: string) => {
        prompts.push(text);
        return Promise.resolve('y');
      },
    };
    const reporter = new ConsoleReporter({ sink, headless: false });

    const answer = await reporter.ask(question, new AbortController().signal);
    await reporter.close();

    expect(answer).toBe('Approve');
    expect(prompts).toEqual(['Apply the plan?\nApprove/Reject [Reject]: ']);
  });

  it.each`
    typed        | choice
    ${''}        | ${'Reject'}
    ${'approve'} | ${'Approve'}
    ${'a'}       | ${'Approve'}
    ${'no'}      | ${'Reject'}
    ${'maybe'}   | ${'Reject'}
  `('reads "$typed" as $choice', ({ typed, choice }) => {
    expect(matchChoice(typed as string, question)).toBe(choice);
  });

  it.each`
    ms         | text
    ${250}     | ${'250ms'}
    ${12_340}  | ${'12.3s'}
    ${125_000} | ${'2m05s'}
  `('formats $ms ms as $text', ({ ms, text }) => {
    expect(formatDuration(ms as number)).toBe(text);
  });
});
