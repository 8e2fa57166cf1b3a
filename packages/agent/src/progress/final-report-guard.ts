import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from './progress-reporter.js';
import type { AgentPhase } from './phase-clock.js';

/**
 * Wraps a reporter so that exactly one final report (`done` or `failed`) goes out whatever
 * happens (a crash handler and the pipeline racing), and remembers the step in progress so a
 * forced ending can still name it.
 */
export class FinalReportGuard implements ProgressReporter {
  #current: StepProgress | undefined;
  #finished = false;

  constructor(private readonly inner: ProgressReporter) {}

  /** The step that started last, if any. */
  get currentStep(): StepProgress | undefined {
    return this.#current;
  }

  /** True once `done` or `failed` was sent. */
  get finished(): boolean {
    return this.#finished;
  }

  stepStarted(progress: StepProgress): Promise<void> {
    this.#current = progress;
    return this.inner.stepStarted(progress);
  }

  stepEnded(end: StepEnd): Promise<void> {
    return this.inner.stepEnded(end);
  }

  detail(text: string): void {
    if (!this.#finished) this.inner.detail(text);
  }

  markPhase(phase: AgentPhase): void {
    this.inner.markPhase?.(phase);
  }

  ask(question: QuestionRequest, signal: AbortSignal): Promise<string> {
    return this.inner.ask(question, signal);
  }

  async done(summary: RunSummary): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    await this.inner.done(summary);
  }

  async failed(failure: RunFailure): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    await this.inner.failed(failure);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
