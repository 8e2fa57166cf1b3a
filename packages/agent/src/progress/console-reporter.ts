import { formatCost } from '@agentsmith/contracts';
import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from './progress-reporter.js';

/** Where the console reporter writes; the CLI provides the terminal behind it. */
export interface ConsoleSink {
  /** Writes text as it is (include `\n`). */
  write(text: string): void;
  /** True when stdout is a terminal: live status line, colours, elapsed time. */
  readonly isTty: boolean;
  /** Asks on the terminal and resolves to the typed line; absent when nobody can answer. */
  prompt?: (question: string, signal: AbortSignal) => Promise<string>;
}

export interface ConsoleReporterOptions {
  sink: ConsoleSink;
  /** No terminal prompts: questions take their default. */
  headless: boolean;
  now?: () => number;
  /** How often the live status line refreshes its elapsed time (TTY only). */
  refreshMs?: number;
}

const ICONS: Record<StepEnd['status'], string> = {
  completed: '\u001b[32m✔\u001b[0m',
  skipped: '\u001b[33m↷\u001b[0m',
  failed: '\u001b[31m✘\u001b[0m',
  cancelled: '\u001b[31m■\u001b[0m',
};

/**
 * Shows a run on the console. On a terminal: a live status line with step counter and elapsed
 * time, one finished line per step. Otherwise: plain lines, one per event.
 */
export class ConsoleReporter implements ProgressReporter {
  readonly #sink: ConsoleSink;
  readonly #headless: boolean;
  readonly #now: () => number;
  readonly #started: number;
  readonly #refreshMs: number;
  #current: { progress: StepProgress; started: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The status line must not overwrite a prompt the user is typing into. */
  #prompting = false;

  constructor(options: ConsoleReporterOptions) {
    this.#sink = options.sink;
    this.#headless = options.headless;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#refreshMs = options.refreshMs ?? 1000;
  }

  stepStarted(progress: StepProgress): Promise<void> {
    this.#current = { progress, started: this.#now() };
    if (this.#sink.isTty) {
      this.#drawStatus();
      this.#timer ??= setInterval(() => this.#drawStatus(), this.#refreshMs).unref();
    } else {
      this.#sink.write(`[${progress.step}/${progress.total}] ${progress.label}\n`);
    }
    return Promise.resolve();
  }

  stepEnded(end: StepEnd): Promise<void> {
    this.#current = undefined;
    const took = formatDuration(end.durationMs);
    if (this.#sink.isTty) {
      this.#clearStatus();
      const message = end.message ? ` \u001b[2m${firstLine(end.message)}\u001b[0m` : '';
      this.#sink.write(
        `${ICONS[end.status]} [${end.step}/${end.total}] ${end.label} (${took})${message}\n`,
      );
    } else {
      this.#sink.write(
        `[${end.step}/${end.total}] ${end.status} in ${took}: ${firstLine(end.message)}\n`,
      );
    }
    return Promise.resolve();
  }

  detail(text: string): void {
    if (this.#sink.isTty) {
      this.#clearStatus();
      this.#sink.write(`    \u001b[2m${text}\u001b[0m\n`);
      this.#drawStatus();
    } else {
      this.#sink.write(`    ${text}\n`);
    }
  }

  async ask(question: QuestionRequest, signal: AbortSignal): Promise<string> {
    const prompt = this.#sink.prompt;
    if (this.#headless || !prompt || !this.#sink.isTty) {
      this.#sink.write(
        `${question.text}\n  → ${question.defaultChoice} (no prompt: ${this.#headless ? '--headless' : 'not a terminal'})\n`,
      );
      return question.defaultChoice;
    }
    this.#clearStatus();
    this.#prompting = true;
    try {
      const choices = question.choices.join('/');
      const line = await prompt(
        `${question.text}\n${choices} [${question.defaultChoice}]: `,
        signal,
      );
      return matchChoice(line, question);
    } finally {
      this.#prompting = false;
    }
  }

  done(summary: RunSummary): Promise<void> {
    this.#stopStatus();
    const lines = [`Done: ${summary.summary}`];
    if (summary.prUrl) lines.push(`Pull request: ${summary.prUrl}`);
    if (summary.changedFiles.length > 0)
      lines.push(`Changed files: ${summary.changedFiles.join(', ')}`);
    lines.push(
      `Cost: ${formatCost(summary.costUsd)}`,
      `Took ${formatDuration(this.#now() - this.#started)}`,
    );
    this.#sink.write(`${lines.join('\n')}\n`);
    return Promise.resolve();
  }

  failed(failure: RunFailure): Promise<void> {
    this.#stopStatus();
    const where =
      failure.step > 0 ? ` at step ${failure.step}/${failure.total} (${failure.stepName})` : '';
    const verb = failure.outcome === 'cancelled' ? 'Cancelled' : 'Failed';
    this.#sink.write(
      `${verb}${where}: ${failure.reason}\n[${failure.code}] after ${formatDuration(this.#now() - this.#started)}\n`,
    );
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#stopStatus();
    return Promise.resolve();
  }

  #drawStatus(): void {
    const current = this.#current;
    if (!current || !this.#sink.isTty || this.#prompting) return;
    const { step, total, label } = current.progress;
    const stepTime = formatDuration(this.#now() - current.started);
    const totalTime = formatDuration(this.#now() - this.#started);
    this.#sink.write(
      `\r\u001b[2K\u001b[36m[${step}/${total}]\u001b[0m ${label}… ${stepTime} \u001b[2m(total ${totalTime})\u001b[0m`,
    );
  }

  #clearStatus(): void {
    if (this.#sink.isTty) this.#sink.write('\r\u001b[2K');
  }

  #stopStatus(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#current) this.#clearStatus();
    this.#current = undefined;
  }
}

/** The choice a typed line means: a choice's name or first letter, yes/no; else the default. */
export function matchChoice(line: string, question: QuestionRequest): string {
  const typed = line.trim().toLowerCase();
  if (!typed) return question.defaultChoice;
  const exact = question.choices.find((choice) => choice.toLowerCase() === typed);
  if (exact) return exact;
  if (['y', 'yes', 'true', '1', 'ok'].includes(typed))
    return question.choices[0] ?? question.defaultChoice;
  if (['n', 'no', 'false', '0'].includes(typed))
    return question.choices[1] ?? question.defaultChoice;
  const byLetter = question.choices.filter((choice) => choice.toLowerCase().startsWith(typed));
  return byLetter.length === 1 && byLetter[0] ? byLetter[0] : question.defaultChoice;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

function firstLine(text: string): string {
  const [line = ''] = text.split('\n');
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
