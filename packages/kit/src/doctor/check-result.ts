/** How one doctor check came out: `fail` is something required that does not work. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `doctor`: what was checked, what was found and, when not ok, how to fix it. */
export interface CheckResult {
  status: CheckStatus;
  /** What was checked, e.g. "Slack bot token" or "project shop: git access". */
  what: string;
  /** What was found; never a secret (at most its last four characters, see {@link lastFour}). */
  detail: string;
  /** What to do about it; set for `warn` and `fail`. */
  fix?: string;
}

export function passed(what: string, detail: string): CheckResult {
  return { status: 'ok', what, detail };
}

export function warned(what: string, detail: string, fix: string): CheckResult {
  return { status: 'warn', what, detail, fix };
}

export function failed(what: string, detail: string, fix: string): CheckResult {
  return { status: 'fail', what, detail, fix };
}

const STATUS_WORD: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/**
 * `ok    what: detail`, or `FAIL  what: detail → fix: …` on one line. `sanitize` (a
 * SecretSanitizer's) runs over the whole line, so a secret an upstream echoed never reaches it.
 */
export function formatCheckLine(
  result: CheckResult,
  sanitize: (text: string) => string = (text) => text,
): string {
  const detail = result.detail.replace(/\s+/g, ' ').trim();
  const fix =
    result.fix && result.status !== 'ok' ? ` → fix: ${result.fix.replace(/\s+/g, ' ').trim()}` : '';
  return sanitize(`${STATUS_WORD[result.status]}  ${result.what}: ${detail}${fix}`);
}

/** `N ok, N warn, N FAIL`. */
export function formatCheckSummary(results: readonly CheckResult[]): string {
  const count = (status: CheckStatus) =>
    results.filter((result) => result.status === status).length;
  return `${count('ok')} ok, ${count('warn')} warn, ${count('fail')} FAIL`;
}

/** 1 when a required check failed, else 0 (warnings do not fail the command). */
export function doctorExitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((result) => result.status === 'fail') ? 1 : 0;
}

/**
 * The last four characters of a secret, as `…wxyz`, so an operator can tell which token is in
 * use; nothing at all for a value too short to show part of safely.
 */
export function lastFour(secret: string): string {
  return secret.length >= 16 ? `…${secret.slice(-4)}` : '…';
}
