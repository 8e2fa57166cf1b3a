import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolContext } from './define-tool.js';
import { ReadCache } from './read-cache.js';
import { Workspace } from './workspace.js';

/** A temporary repository folder and a tool context on it (tests only). */
export async function toolTestContext(root?: string): Promise<ToolContext & { root: string }> {
  const directory = root ?? (await mkdtemp(join(tmpdir(), 'agent-tools-')));
  return {
    root: directory,
    workspace: await Workspace.open(directory),
    signal: new AbortController().signal,
    readCache: new ReadCache(),
    commandEnvironment: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    commandTimeoutMs: 10_000,
  };
}
