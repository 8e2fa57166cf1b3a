import type { ErrorCode } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';

const AUTH_FAILURE =
  /authentication failed|could not read (username|password)|terminal prompts disabled|HTTP (401|403)|returned error: 40[13]|invalid username or (password|token)|permission to .* denied|repository not found|access denied|not authorized/i;
const PUSH_REJECTED =
  /\[(remote )?rejected\]|stale info|non-fast-forward|fetch first|failed to push some refs/i;

/** What {@link classifyGitFailure} needs to word a helpful message. */
export interface GitFailureContext {
  /** `clone`, `fetch`, `push`, … */
  operation: string;
  /** The remote URL (never with credentials). */
  remote: string;
  /** Environment variable the token comes from, e.g. `GITHUB_TOKEN`. */
  tokenVariable: string;
  hadCredentials: boolean;
}

/**
 * Turns a failed git command into a coded error: authentication problems become
 * `source_access_denied` naming the token variable, refused pushes `git_push_rejected`, the
 * rest `fallbackCode`. git offers no machine-readable codes, so its stderr is matched here once.
 */
export function classifyGitFailure(
  stderr: string,
  context: GitFailureContext,
  fallbackCode: ErrorCode = 'source_checkout_failed',
): AppError {
  const detail = lastLines(stderr);
  if (AUTH_FAILURE.test(stderr)) {
    const hint = context.hadCredentials
      ? `${context.tokenVariable} was rejected or cannot access this repository`
      : `set ${context.tokenVariable} to a token that can read and push this repository`;
    return new AppError(
      'source_access_denied',
      `git ${context.operation} was denied by ${context.remote}: ${hint}.`,
      { details: { operation: context.operation, stderr: detail } },
    );
  }
  if (context.operation === 'push' && PUSH_REJECTED.test(stderr)) {
    return new AppError(
      'git_push_rejected',
      `The push to ${context.remote} was rejected (the branch changed remotely or is protected): ${detail}`,
      { details: { stderr: detail } },
    );
  }
  return new AppError(fallbackCode, `git ${context.operation} failed: ${detail}`, {
    retryable:
      /could not resolve host|connection (refused|timed out|reset)|early EOF|RPC failed/i.test(
        stderr,
      ),
    details: { operation: context.operation, stderr: detail },
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n');
}
