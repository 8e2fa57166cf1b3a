import type { Workspace } from './tools/workspace.js';

/** The finish gate's view of a test run, compared with the baseline by the caller. */
export interface FinishTestCheck {
  acceptable: boolean;
  report: string;
}

/** What `finish` was called with. */
export interface FinishRequest {
  summary: string;
  /** New files that belong in the change (e.g. a new test). */
  keep_files?: string[] | undefined;
  /** Why existing tests were changed. */
  justification?: string | undefined;
}

/** The gate's verdict; `report` is the tool's answer either way. */
export interface FinishReview {
  accepted: boolean;
  report: string;
}

const MAX_DIFF_CHARACTERS = 12_000;
/** Refusals before the gate accepts anyway; the test step after the loop still judges the tests. */
const DEFAULT_MAX_REFUSALS = 3;
const TEST_FILE =
  /(^|\/)(tests?|spec|__tests__)\/|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$|Tests?\.(java|kt|cs)$/;

/**
 * Reviews a `finish` call before the loop ends: runs the tests (compared with the baseline by
 * `checkTests`), lists git status and the diff, and refuses — sending the details back to the model
 * in the same conversation — when tests fail that passed before, when files the model created are
 * left over (not listed in `keep_files`), or when existing tests were changed without a
 * justification. Untracked files that existed before the loop started (build or test artifacts of
 * the checkout and baseline run) are not counted as the model's. After `maxRefusals` refusals it
 * accepts, reporting what is still wrong.
 */
export class FinishGate {
  private refusals = 0;
  /** Untracked files present before the loop started (checkout, setup, baseline test run). */
  private untrackedAtStart = new Set<string>();

  constructor(
    private readonly workspace: Workspace,
    private readonly checkTests?: () => Promise<FinishTestCheck>,
    private readonly maxRefusals = DEFAULT_MAX_REFUSALS,
  ) {}

  /** Notes the untracked files that exist before the model acts: they are not its leftovers. */
  async rememberStart(signal: AbortSignal): Promise<void> {
    const status = await this.workspace.git(
      ['status', '--porcelain=v1', '--untracked-files=all'],
      signal,
    );
    const entries = status === undefined ? [] : parseStatus(status);
    this.untrackedAtStart = new Set(
      entries.filter((entry) => entry.code === '??').map((entry) => entry.path),
    );
  }

  async review(request: FinishRequest, signal: AbortSignal): Promise<FinishReview> {
    const problems: string[] = [];
    const sections: string[] = [];
    if (this.checkTests) {
      const tests = await this.checkTests();
      sections.push(`## Tests\n${tests.report}`);
      if (!tests.acceptable) problems.push('tests fail that passed before your change');
    }
    const status = await this.workspace.git(
      ['status', '--porcelain=v1', '--untracked-files=all'],
      signal,
    );
    if (status !== undefined) {
      const entries = parseStatus(status);
      const keep = new Set((request.keep_files ?? []).map(normalize));
      const leftovers = entries
        .filter(
          (entry) =>
            entry.code === '??' && !keep.has(entry.path) && !this.untrackedAtStart.has(entry.path),
        )
        .map((entry) => entry.path);
      const touchedTests = entries
        .filter((entry) => entry.code !== '??' && TEST_FILE.test(entry.path))
        .map((entry) => entry.path);
      if (leftovers.length > 0) {
        problems.push(
          `new files not listed in keep_files: ${leftovers.join(', ')} (delete scratch files; list files that belong in the change)`,
        );
      }
      if (touchedTests.length > 0 && !request.justification?.trim()) {
        problems.push(
          `existing tests changed: ${touchedTests.join(', ')} (revert them unless the ticket requires it, and then say why in justification)`,
        );
      }
      sections.push(`## git status\n${status.trimEnd() || '(clean: nothing changed)'}`);
      sections.push(`## Diff\n${await this.diff(entries, signal)}`);
    }
    if (problems.length > 0 && this.refusals < this.maxRefusals) {
      this.refusals += 1;
      return {
        accepted: false,
        report: [
          `finish refused (${this.refusals} of ${this.maxRefusals}): ${problems.join('; ')}.`,
          'Deal with this, then call finish again.',
          ...sections,
        ].join('\n\n'),
      };
    }
    const still =
      problems.length > 0
        ? ` Still open after ${this.refusals} refusals: ${problems.join('; ')}.`
        : '';
    return { accepted: true, report: [`Finished.${still}`, ...sections].join('\n\n') };
  }

  private async diff(entries: StatusEntry[], signal: AbortSignal): Promise<string> {
    const tracked =
      (await this.workspace.git(
        ['diff', 'HEAD', '--no-color', '--no-ext-diff', '--no-textconv'],
        signal,
      )) ?? '';
    const untracked = entries
      .filter((entry) => entry.code === '??')
      .map((entry) => `new file: ${entry.path}`);
    const text = [tracked.trimEnd(), ...untracked].filter((part) => part !== '').join('\n');
    if (text === '') return '(no changes)';
    return text.length > MAX_DIFF_CHARACTERS
      ? `${text.slice(0, MAX_DIFF_CHARACTERS)}\n[... diff cut at ${MAX_DIFF_CHARACTERS} characters]`
      : text;
  }
}

interface StatusEntry {
  code: string;
  path: string;
}

function parseStatus(status: string): StatusEntry[] {
  return status
    .split('\n')
    .filter((line) => line.length > 3)
    .map((line) => {
      const path = line.slice(3);
      const renamed = path.includes(' -> ') ? path.slice(path.indexOf(' -> ') + 4) : path;
      return { code: line.slice(0, 2), path: unquote(renamed) };
    });
}

function unquote(path: string): string {
  return path.startsWith('"') && path.endsWith('"') ? path.slice(1, -1) : path;
}

function normalize(path: string): string {
  return path.replace(/^\.\//, '');
}
