import { describe, expect, it } from 'vitest';
import {
  doctorExitCode,
  failed,
  formatCheckLine,
  formatCheckSummary,
  lastFour,
  passed,
  warned,
} from './check-result.js';
import { runChecks, type DoctorCheck } from './run-checks.js';

describe('kit/doctor check lines', () => {
  it('prints one line per result: status, what, detail and the fix when not ok', () => {
    expect(formatCheckLine(passed('Redis', 'PONG from localhost:6379'))).toBe(
      'ok    Redis: PONG from localhost:6379',
    );
    expect(
      formatCheckLine(warned('GitHub token', 'can change\nworkflow files', 'drop the scope')),
    ).toBe('warn  GitHub token: can change workflow files → fix: drop the scope');
    expect(formatCheckLine(failed('Slack bot token', 'invalid_auth', 'set SLACK_BOT_TOKEN'))).toBe(
      'FAIL  Slack bot token: invalid_auth → fix: set SLACK_BOT_TOKEN',
    );
  });

  it('runs the sanitizer over the whole line', () => {
    const line = formatCheckLine(failed('LLM key', 'rejected sk-secret-value', 'x'), (text) =>
      text.replaceAll('sk-secret-value', '[redacted]'),
    );
    expect(line).toBe('FAIL  LLM key: rejected [redacted] → fix: x');
  });

  it('exits 1 only when something failed, and counts each status', () => {
    const ok = passed('a', 'b');
    const warning = warned('a', 'b', 'c');
    expect(doctorExitCode([ok, warning])).toBe(0);
    expect(doctorExitCode([ok, failed('a', 'b', 'c')])).toBe(1);
    expect(formatCheckSummary([ok, warning, failed('a', 'b', 'c'), ok])).toBe(
      '2 ok, 1 warn, 1 FAIL',
    );
  });

  it('shows at most the last four characters of a secret', () => {
    expect(lastFour('xoxb-1234567890-abcdefghijkl')).toBe('…ijkl');
    expect(lastFour('short-secret')).toBe('…');
  });
});

describe('kit/doctor runChecks', () => {
  const check = (what: string, run: DoctorCheck['run']): DoctorCheck => ({
    what,
    unreachableFix: `make ${what} reachable`,
    run,
  });

  it('reports every line in the checks order, a throw and a hang as FAIL lines', async () => {
    let aborted = false;
    const seen: string[] = [];
    const results = await runChecks(
      [
        check('hangs', (signal) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          return new Promise(() => undefined);
        }),
        check('throws', () =>
          Promise.reject(
            new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }),
          ),
        ),
        check('two lines', () =>
          Promise.resolve([passed('token', 'valid'), warned('scopes', 'extra', 'remove it')]),
        ),
      ],
      { timeoutMs: 50, onResult: (result) => seen.push(result.what) },
    );
    expect(results).toEqual([
      {
        status: 'fail',
        what: 'hangs',
        detail: 'no answer within 50ms',
        fix: 'make hangs reachable',
      },
      {
        status: 'fail',
        what: 'throws',
        detail: 'fetch failed (connect ECONNREFUSED 127.0.0.1:1)',
        fix: 'make throws reachable',
      },
      { status: 'ok', what: 'token', detail: 'valid' },
      { status: 'warn', what: 'scopes', detail: 'extra', fix: 'remove it' },
    ]);
    expect(seen).toEqual(['hangs', 'throws', 'token', 'scopes']);
    expect(aborted).toBe(true);
  });
});
