import type { SecretSanitizer } from '@agentsmith/kit';
import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from './progress-reporter.js';

/**
 * Scrubs known secret values and recognisable tokens from everything a run reports (labels,
 * details such as test output, questions, summaries, failure reasons) before the inner reporter
 * shows it on the console or publishes it to the job's stream (docs/security.md#output-hygiene).
 * Answer choices are the product's own words and pass as they are, so an answer still matches.
 */
export class SanitizingReporter implements ProgressReporter {
  constructor(
    private readonly inner: ProgressReporter,
    private readonly sanitizer: SecretSanitizer,
  ) {}

  stepStarted(progress: StepProgress): Promise<void> {
    return this.inner.stepStarted({ ...progress, label: this.sanitizer.sanitize(progress.label) });
  }

  stepEnded(end: StepEnd): Promise<void> {
    return this.inner.stepEnded({
      ...end,
      label: this.sanitizer.sanitize(end.label),
      message: this.sanitizer.sanitize(end.message),
    });
  }

  detail(text: string): void {
    this.inner.detail(this.sanitizer.sanitize(text));
  }

  ask(question: QuestionRequest, signal: AbortSignal): Promise<string> {
    return this.inner.ask({ ...question, text: this.sanitizer.sanitize(question.text) }, signal);
  }

  done(summary: RunSummary): Promise<void> {
    return this.inner.done({
      ...summary,
      summary: this.sanitizer.sanitize(summary.summary),
      changedFiles: summary.changedFiles.map((file) => this.sanitizer.sanitize(file)),
    });
  }

  failed(failure: RunFailure): Promise<void> {
    return this.inner.failed({
      ...failure,
      stepName: this.sanitizer.sanitize(failure.stepName),
      reason: this.sanitizer.sanitize(failure.reason),
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
