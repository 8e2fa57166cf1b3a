import { toAppError } from '../errors/to-app-error.js';
import { failed, type CheckResult } from './check-result.js';

/** One doctor check: it may give several lines (e.g. a token, then its scopes). */
export interface DoctorCheck {
  /** What is checked; the FAIL line's subject when the check throws or does not answer. */
  what: string;
  /** The fix printed when the check throws or times out (the service is unreachable). */
  unreachableFix: string;
  /** Runs the check; `signal` aborts when its time is up, so it should stop its I/O then. */
  run(signal: AbortSignal): Promise<CheckResult | readonly CheckResult[]>;
}

export interface RunChecksOptions {
  /** Time each check has before it is a FAIL line (a hanging service must not hang doctor). */
  timeoutMs: number;
  /** Called with each line, in the checks' order, as soon as it and the lines before it are known. */
  onResult?: (result: CheckResult) => void;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`;
}

/** `fetch failed (connect ECONNREFUSED 127.0.0.1:9)`: a failed call's own words and its cause's. */
function failureOf(error: unknown): string {
  const message = toAppError(error).message;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}

/** Runs one check within its time; a throw or a timeout becomes its FAIL line. */
async function runBounded(check: DoctorCheck, timeoutMs: number): Promise<CheckResult[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<CheckResult[]>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`no answer within ${seconds(timeoutMs)}`));
      resolve([failed(check.what, `no answer within ${seconds(timeoutMs)}`, check.unreachableFix)]);
    }, timeoutMs);
  });
  const work = (async () => {
    try {
      const outcome = await check.run(controller.signal);
      return Array.isArray(outcome) ? [...(outcome as CheckResult[])] : [outcome as CheckResult];
    } catch (error) {
      return [failed(check.what, failureOf(error), check.unreachableFix)];
    }
  })();
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check at once, each bounded by `timeoutMs`, and reports the lines in the checks'
 * order. Never throws: a check that throws or hangs is a FAIL line.
 */
export async function runChecks(
  checks: readonly DoctorCheck[],
  options: RunChecksOptions,
): Promise<CheckResult[]> {
  const pending = checks.map((check) => runBounded(check, options.timeoutMs));
  const results: CheckResult[] = [];
  for (const lines of pending) {
    for (const line of await lines) {
      results.push(line);
      options.onResult?.(line);
    }
  }
  return results;
}
