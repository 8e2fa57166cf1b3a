import { statfs } from 'node:fs/promises';
import { AppError } from '@agentsmith/kit';

/** What a full file system says: the errno, strerror as git, shells and compilers print it. */
const NO_SPACE = /\bENOSPC\b|No space left on device|\bEDQUOT\b|Disk quota exceeded/i;

/** Free space below which the workspace counts as full even if the error did not say so. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/** True when the error, its causes or the text it carries (a command's output) report a full disk. */
export function mentionsNoSpace(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || error === undefined) return false;
  if (typeof error === 'string') return NO_SPACE.test(error);
  if (typeof error !== 'object') return false;
  const record = error as Record<string, unknown>;
  if (error instanceof Error && NO_SPACE.test(error.message)) return true;
  if (typeof record['code'] === 'string' && NO_SPACE.test(record['code'])) return true;
  const details = (record['details'] ?? {}) as Record<string, unknown>;
  const nested: unknown[] = [record['cause'], ...Object.values(details)];
  return nested.some((value) => mentionsNoSpace(value, depth + 1));
}

/** Size and free space of the file system holding `path`, or undefined if it cannot be read. */
export async function diskSpace(
  path: string,
): Promise<{ totalBytes: number; freeBytes: number } | undefined> {
  try {
    const stats = await statfs(path);
    return { totalBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize };
  } catch {
    return undefined;
  }
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/**
 * A `workspace_full` error when `error` came from a full workspace (the error says "no space
 * left", or the workspace has less than 1 MiB free): the agent container's workspace has a size
 * limit (`AGENT_WORKSPACE_SIZE`), and the message says how big it is and how to raise it.
 */
export async function workspaceFullError(
  error: AppError,
  workspace: string | undefined,
): Promise<AppError | undefined> {
  const space = workspace === undefined ? undefined : await diskSpace(workspace);
  const nearlyFull = space !== undefined && space.freeBytes < NEARLY_FULL_BYTES;
  if (!mentionsNoSpace(error) && !nearlyFull) return undefined;
  const where = workspace ?? 'the workspace';
  const size = space ? ` (its limit is ${describeBytes(space.totalBytes)})` : '';
  return new AppError(
    'workspace_full',
    `workspace full: no space left in ${where}${size}. Raise AGENT_WORKSPACE_SIZE in the dispatcher's environment (and AGENT_MEMORY with it under Docker, where the workspace is held in memory), or free disk space when running locally. The failing step said: ${error.message}`,
    { cause: error, details: { workspace: where, ...(space ?? {}) } },
  );
}
