/** A signal that aborts when any of `signals` does or after `timeoutMs`. */
export function timeoutSignal(
  timeoutMs: number,
  ...signals: (AbortSignal | undefined)[]
): AbortSignal {
  return AbortSignal.any([
    AbortSignal.timeout(timeoutMs),
    ...signals.filter((signal): signal is AbortSignal => signal !== undefined),
  ]);
}

/** A call that did not settle in time (`code` as Node names a timed-out connection). */
export class CallTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(
    /** What was called, e.g. "docker stop agentsmith-1a2b". */
    readonly call: string,
    readonly timeoutMs: number,
  ) {
    super(
      `${call} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)}s` : `${timeoutMs}ms`}`,
    );
    this.name = 'CallTimeoutError';
  }
}

/**
 * Settles as `work` does, or rejects with {@link CallTimeoutError} after `timeoutMs`. The work is
 * not cancelled (pass it a signal for that); its late result is dropped.
 */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number, call: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CallTimeoutError(call, timeoutMs)), timeoutMs);
    timer.unref();
  });
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
