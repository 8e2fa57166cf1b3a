import type { JobExit } from './job-spawner.js';

/** Facts about a finished container or Pod, before they become a {@link JobExit}. */
export interface ExitFacts {
  exitCode: number;
  oomKilled?: boolean;
  /** The dispatcher itself stopped the job (cancel, deadline, reaper). */
  stopped?: boolean;
  /** The memory limit, to name it in the message. */
  memoryBytes?: number;
}

/** Meaning of the agent's exit codes (docs/agent.md) and of common signal deaths. */
export function exitCodeMeaning(exitCode: number): string {
  switch (exitCode) {
    case 0:
      return 'finished (exit 0)';
    case 1:
      return 'the run failed (exit 1)';
    case 2:
      return 'usage or configuration error (exit 2)';
    case 130:
      return 'cancelled (exit 130)';
    case 137:
      return 'killed (exit 137)';
    case 139:
      return 'crashed with a segmentation fault (exit 139)';
    case 143:
      return 'terminated (exit 143)';
    default:
      return exitCode < 0 ? 'ended with an unknown exit code' : `exited with code ${exitCode}`;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** Turns exit facts into the plain-language {@link JobExit} reported in the Slack thread. */
export function describeExit(jobId: string, facts: ExitFacts): JobExit {
  const code = facts.exitCode;
  const exitCode = code >= 0 ? { exitCode: code } : {};
  if (facts.oomKilled) {
    const limit = facts.memoryBytes ? ` (memory limit ${formatBytes(facts.memoryBytes)})` : '';
    return {
      jobId,
      reason: 'out_of_memory',
      ...exitCode,
      message: `out of memory, exit ${code}${limit}`,
    };
  }
  if (facts.stopped)
    return {
      jobId,
      reason: 'stopped',
      ...exitCode,
      message: `stopped by the dispatcher, exit ${code}`,
    };
  return { jobId, reason: 'exited', ...exitCode, message: exitCodeMeaning(code) };
}
