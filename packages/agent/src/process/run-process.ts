import { spawn } from 'node:child_process';
import { CancelledError } from '@agentsmith/kit';
import { OutputBuffer } from './output-buffer.js';

/** How to run one child process. */
export interface RunProcessOptions {
  /** Working directory. */
  cwd: string;
  /** Wall-clock limit; past it the whole process tree is killed and `timedOut` is true. */
  timeoutMs: number;
  /** Aborting kills the whole process tree and rejects with `CancelledError`. */
  signal?: AbortSignal;
  /**
   * Environment of the child. Defaults to the parent's. Pass `scrubEnvironment(env)` for any
   * command the model chose.
   */
  env?: NodeJS.ProcessEnv;
  /** Cap on captured characters per stream and for `output` (head and tail kept). Default 64 KiB. */
  maxOutputBytes?: number;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
  /** Time between SIGTERM and SIGKILL when killing the tree. Default 2000 ms. */
  killGraceMs?: number;
}

/** What a finished child process produced. */
export interface ProcessResult {
  /** Exit code, or null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it (`SIGTERM`, `SIGKILL`), or null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order, capped. */
  output: string;
  /** True when the timeout killed the process tree. */
  timedOut: boolean;
  /** True when any captured stream dropped characters. */
  truncated: boolean;
  durationMs: number;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;

/**
 * Runs `command` with `args` (no shell) detached in its own process group, so a timeout or an
 * abort kills the command and everything it started: SIGTERM to the group, then SIGKILL after a
 * grace period. Anything the command left running in its group when it exits is killed too.
 */
export function runProcess(
  command: string,
  args: string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  if (options.signal?.aborted) {
    return Promise.reject(new CancelledError('cancelled', { cause: options.signal.reason }));
  }
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const stdout = new OutputBuffer(maxOutput);
  const stderr = new OutputBuffer(maxOutput);
  const output = new OutputBuffer(maxOutput);
  const started = Date.now();

  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const killTree = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const terminate = () => {
      killTree('SIGTERM');
      killTimer ??= setTimeout(() => killTree('SIGKILL'), grace);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      terminate();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout.append(chunk);
      output.append(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.append(chunk);
      output.append(chunk);
    });
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    // Background children keep the pipes open; once the leader exits, end the whole group.
    child.on('exit', () => killTree('SIGKILL'));
    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      cleanup();
      if (cancelled) {
        reject(new CancelledError('cancelled', { cause: options.signal?.reason }));
        return;
      }
      resolve({
        exitCode,
        signal,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        output: output.toString(),
        timedOut,
        truncated: stdout.truncated || stderr.truncated || output.truncated,
        durationMs: Date.now() - started,
      });
    });

    function cleanup() {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  });
}

/** Runs `commandLine` through `bash -c` with the same guarantees as {@link runProcess}. */
export function runShell(commandLine: string, options: RunProcessOptions): Promise<ProcessResult> {
  return runProcess('bash', ['-c', commandLine], options);
}
