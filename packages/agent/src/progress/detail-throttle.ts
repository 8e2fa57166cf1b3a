const MAX_LINES_PER_ENTRY = 8;

/**
 * Limits detail lines to one published entry per interval: lines arriving in between are
 * gathered (the oldest dropped beyond a few, with a count) and sent together when the interval
 * ends or on `flush`.
 */
export class DetailThrottle {
  #pending: string[] = [];
  #dropped = 0;
  #lastSent = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (text: string) => unknown,
    private readonly now: () => number = Date.now,
  ) {}

  push(text: string): void {
    this.#pending.push(text);
    if (this.#pending.length > MAX_LINES_PER_ENTRY) {
      this.#pending.shift();
      this.#dropped += 1;
    }
    const wait = this.#lastSent + this.intervalMs - this.now();
    if (wait <= 0) {
      this.flush();
    } else {
      this.#timer ??= setTimeout(() => this.flush(), wait).unref();
    }
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const lines =
      this.#dropped > 0
        ? [`(${this.#dropped} earlier lines skipped)`, ...this.#pending]
        : this.#pending;
    this.#pending = [];
    this.#dropped = 0;
    this.#lastSent = this.now();
    this.send(lines.join('\n'));
  }
}
