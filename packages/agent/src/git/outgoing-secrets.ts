import { AppError } from '@agentsmith/kit';
import type { GitCli } from './git-cli.js';

/** Tells what kind of secret a text holds, never the secret (kit's SecretSanitizer is one). */
export interface SecretFinder {
  findSecret(text: string): string | undefined;
}

/** A secret found on an added line: where, and what kind. */
export interface SecretFinding {
  file: string;
  line: number;
  kind: string;
}

/** Diffs larger than this are still read whole: a secret must not hide behind a long file. */
const MAX_DIFF_BYTES = 256 * 1024 * 1024;
const FINDINGS_SHOWN = 5;

/**
 * The added lines of a unified diff (`-U0`) that hold a secret, with their file and line number
 * in the new version. Removed lines and context are not judged: removing a secret is welcome.
 */
export function secretsInDiff(diff: string, finder: SecretFinder): SecretFinding[] {
  const findings: SecretFinding[] = [];
  let file = '';
  let line = 0;
  let inHunk = false;
  for (const text of diff.split('\n')) {
    if (text.startsWith('diff --git ')) {
      inHunk = false;
      file = '';
      continue;
    }
    if (!inHunk) {
      if (text.startsWith('+++ ')) file = text.slice(4).replace(/^b\//, '');
      const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
      if (hunk) {
        inHunk = true;
        line = Number(hunk[1]);
      }
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (text.startsWith('+')) {
      const kind = finder.findSecret(text.slice(1));
      if (kind) findings.push({ file, line, kind });
      line += 1;
    } else if (text.startsWith(' ')) line += 1;
  }
  return findings;
}

/**
 * Refuses to push what the branch adds over `baseRef` when an added line holds a known secret
 * value or a high-confidence token (`secret_in_diff`, naming file and line, never the secret).
 */
export async function refuseSecretsInOutgoingDiff(
  git: GitCli,
  directory: string,
  baseRef: string,
  finder: SecretFinder,
  signal?: AbortSignal,
): Promise<void> {
  const base = await git.run(['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`], {
    cwd: directory,
    signal,
    allowFailure: true,
  });
  const options = ['--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '-U0'];
  // Without the base (a repository with no default branch yet) every commit of HEAD is outgoing.
  const command =
    base.exitCode === 0
      ? ['diff', ...options, `${baseRef}...HEAD`]
      : ['log', '-p', '--format=', ...options, 'HEAD'];
  const diff = await git.run(['-c', 'core.quotePath=false', ...command], {
    cwd: directory,
    signal,
    maxOutputBytes: MAX_DIFF_BYTES,
  });
  const findings = secretsInDiff(diff.stdout, finder);
  if (findings.length === 0) return;
  const where = findings
    .slice(0, FINDINGS_SHOWN)
    .map((finding) => `${finding.file} line ${finding.line} (${finding.kind})`)
    .join(', ');
  const more =
    findings.length > FINDINGS_SHOWN ? ` and ${findings.length - FINDINGS_SHOWN} more` : '';
  throw new AppError(
    'secret_in_diff',
    `Refused to push: the change adds a secret at ${where}${more}. Remove it from the change (and revoke it if it is real); nothing was pushed.`,
    { details: { findings: findings.map(({ file, line, kind }) => ({ file, line, kind })) } },
  );
}
