import { execFile } from 'node:child_process';
import { CancelledError } from '@agentsmith/kit';

/** The model's commands can write .git/config: git starts none of the programs it may name. */
export const SAFE_GIT_OPTIONS = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null'];

/** What a finished git command printed, and how it exited. */
export interface GitOutput {
  exitCode: number;
  stdout: string;
}

/** How to run one read-only git command. */
export interface ReadOnlyGitOptions {
  /** Environment of git; undefined inherits the agent's. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/**
 * Runs a git command that only reads the repository (`ls-files`, `grep`) in `root`, with the
 * options that keep git from starting programs the repository's configuration names. Such a
 * command starts no processes of its own, so a plain child process will do: the process-tree
 * bookkeeping of run-process.ts costs a scan of /proc per call, which the listing tools cannot
 * afford on every call. Resolves undefined when git cannot run, times out or prints more than
 * the cap (callers then fall back to reading the files themselves); an abort rejects with
 * CancelledError.
 */
export function readOnlyGit(
  root: string,
  args: string[],
  options: ReadOnlyGitOptions = {},
): Promise<GitOutput | undefined> {
  if (options.signal?.aborted) {
    return Promise.reject(new CancelledError('cancelled', { cause: options.signal.reason }));
  }
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...SAFE_GIT_OPTIONS, ...args],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: options.maxOutputBytes ?? 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 30_000,
        killSignal: 'SIGKILL',
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.env ? { env: options.env } : {}),
      },
      (error, stdout) => {
        if (options.signal?.aborted) {
          reject(new CancelledError('cancelled', { cause: options.signal.reason }));
          return;
        }
        if (!error) {
          resolve({ exitCode: 0, stdout });
          return;
        }
        // A numeric code is git's own exit status; anything else (not found, killed, output
        // over the cap) means there is no answer.
        resolve(typeof error.code === 'number' ? { exitCode: error.code, stdout } : undefined);
      },
    );
  });
}
