import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CancelledError } from '@agentsmith/kit';
import { OutputBuffer } from './output-buffer.js';
import { ProcessTree } from './process-tree.js';

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
/** How often the tree of a running command is recorded (see ProcessTree). */
const SNAPSHOT_INTERVAL_MS = 250;
/** After the command exits, how long its output pipes may stay open before they are cut. */
const PIPE_DRAIN_MS = 1000;
/** Inherited by everything a command starts, so what escaped its process group is still found. */
const TREE_MARKER_VARIABLE = 'AGENTSMITH_PROCESS_TREE';

/**
 * Runs `command` with `args` (no shell) detached in its own process group, so a timeout or an
 * abort kills the command and everything it started: SIGTERM, then SIGKILL after a grace period,
 * to the group and to what left it (new sessions, daemons; see ProcessTree). Anything the command
 * left running when it exits is killed too, and the call returns even if something it could not
 * find still holds the output pipes open.
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

  const markerValue = randomUUID();
  // Inheriting the parent's environment is what `spawn` does without `env`; nothing is read here.
  // eslint-disable-next-line no-restricted-properties
  const env = { ...(options.env ?? process.env), [TREE_MARKER_VARIABLE]: markerValue };

  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const tree =
      child.pid === undefined
        ? undefined
        : new ProcessTree(child.pid, `${TREE_MARKER_VARIABLE}=${markerValue}`);
    const snapshots = setInterval(() => tree?.snapshot(), SNAPSHOT_INTERVAL_MS);
    snapshots.unref();
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const killTree = (signal: NodeJS.Signals) => {
      tree?.signalAll(signal);
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
    // Background children keep the pipes open; once the leader exits, end the whole tree, and
    // give the pipes a moment to deliver what is left before cutting them.
    child.on('exit', (exitCode, signal) => {
      killTree('SIGKILL');
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(exitCode, signal);
      }, PIPE_DRAIN_MS);
    });
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    });
    child.on('close', (exitCode, signal) => finish(exitCode, signal));

    function finish(exitCode: number | null, signal: NodeJS.Signals | null) {
      if (settled) return;
      settled = true;
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
    }

    function cleanup() {
      clearTimeout(timer);
      clearInterval(snapshots);
      if (killTimer) clearTimeout(killTimer);
      if (drainTimer) clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  });
}

/** Runs `commandLine` through `bash -c` with the same guarantees as {@link runProcess}. */
export function runShell(commandLine: string, options: RunProcessOptions): Promise<ProcessResult> {
  return runProcess('bash', ['-c', commandLine], options);
}
