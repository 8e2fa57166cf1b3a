import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from './progress-reporter.js';

/**
 * A replayed run (`--replay`) says so everywhere it reports — every step line, detail line and the
 * final report — so a replay shown in a terminal or a Slack thread is never taken for real work.
 */
export class ReplayReporter implements ProgressReporter {
  readonly #inner: ProgressReporter;
  readonly #recording: string;
  readonly #unplayed: () => number;

  constructor(inner: ProgressReporter, recording: string, unplayed: () => number = () => 0) {
    this.#inner = inner;
    this.#recording = recording;
    this.#unplayed = unplayed;
  }

  stepStarted(progress: StepProgress): Promise<void> {
    return this.#inner.stepStarted({ ...progress, label: `${progress.label} (replay)` });
  }

  stepEnded(end: StepEnd): Promise<void> {
    return this.#inner.stepEnded({ ...end, label: `${end.label} (replay)` });
  }

  detail(text: string): void {
    this.#inner.detail(`[replay] ${text}`);
  }

  ask(question: QuestionRequest, signal: AbortSignal): Promise<string> {
    return this.#inner.ask({ ...question, text: `[replay] ${question.text}` }, signal);
  }

  done(summary: RunSummary): Promise<void> {
    const unplayed = this.#unplayed();
    const note =
      `Replay of the recorded session ${this.#recording}: no model was called.` +
      (unplayed > 0 ? ` ${unplayed} recorded turn(s) were not used.` : '');
    return this.#inner.done({ ...summary, summary: `${note}\n${summary.summary}` });
  }

  failed(failure: RunFailure): Promise<void> {
    return this.#inner.failed({ ...failure, reason: `[replay] ${failure.reason}` });
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
