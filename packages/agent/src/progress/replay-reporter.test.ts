import { describe, expect, it } from 'vitest';
import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from './progress-reporter.js';
import { ReplayReporter } from './replay-reporter.js';

/** Keeps what reaches the display (console or the job's Redis stream). */
class Recorded implements ProgressReporter {
  readonly lines: string[] = [];
  stepStarted(progress: StepProgress) {
    this.lines.push(`start ${progress.label}`);
    return Promise.resolve();
  }
  stepEnded(end: StepEnd) {
    this.lines.push(`end ${end.label}`);
    return Promise.resolve();
  }
  detail(text: string) {
    this.lines.push(`detail ${text}`);
  }
  ask(question: QuestionRequest) {
    this.lines.push(`ask ${question.text}`);
    return Promise.resolve(question.defaultChoice);
  }
  done(summary: RunSummary) {
    this.lines.push(`done ${summary.summary}`);
    return Promise.resolve();
  }
  failed(failure: RunFailure) {
    this.lines.push(`failed ${failure.reason}`);
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
}

describe('progress/replay-reporter', () => {
  it('marks every step, detail, question and final report as a replay', async () => {
    const inner = new Recorded();
    const reporter = new ReplayReporter(inner, 'session.jsonl', () => 2);
    const step = {
      step: 5,
      total: 7,
      label: 'Fixing the ticket',
      stepName: 'AgenticExecuteCommand',
    };

    await reporter.stepStarted(step);
    reporter.detail('edit_file src/lib.js');
    await reporter.ask(
      {
        questionId: 'q',
        text: 'Apply this plan?',
        choices: ['Approve', 'Reject'],
        defaultChoice: 'Reject',
        timeoutSeconds: 1,
      },
      new AbortController().signal,
    );
    await reporter.stepEnded({ ...step, status: 'completed', message: 'ok', durationMs: 1 });
    await reporter.done({ summary: 'Fixed #1', durationMs: 1, changedFiles: [] });
    await reporter.failed({
      step: 5,
      total: 7,
      stepName: 'x',
      code: 'c',
      reason: 'boom',
      outcome: 'failed',
    });

    expect(inner.lines).toEqual([
      'start Fixing the ticket (replay)',
      'detail [replay] edit_file src/lib.js',
      'ask [replay] Apply this plan?',
      'end Fixing the ticket (replay)',
      'done Replay of the recorded session session.jsonl: no model was called. 2 recorded turn(s) were not used.\nFixed #1',
      'failed [replay] boom',
    ]);
  });
});
