import { readdirSync, readFileSync } from 'node:fs';

/** One process as `/proc` shows it; `startTicks` tells a reused pid apart from the original. */
interface ProcessInfo {
  pid: number;
  parentPid: number;
  startTicks: string;
}

const PROC = '/proc';
const HAS_PROCFS = ((): boolean => {
  try {
    readFileSync(`${PROC}/self/stat`);
    return true;
  } catch {
    return false;
  }
})();

/**
 * Everything a command started, including what escaped its process group.
 *
 * Killing the process group misses a child that called `setsid` (a daemon, `setsid sleep 600 &`):
 * it has its own session and group, and once its parent exits it is re-parented to init, so its
 * lineage is gone too. Two traces survive and are followed here, on Linux: every process the
 * command starts inherits an environment marker unless it clears its environment on purpose, and
 * while the command runs its descendants are recorded by parent pid, so a child that cleared its
 * environment is still known if it lived through one snapshot. Elsewhere (no `/proc`) only the
 * process group is killed.
 */
export class ProcessTree {
  private readonly known = new Map<number, string>();
  private readonly supported = HAS_PROCFS;
  /** When the root started: anything older cannot be one of its descendants. */
  private readonly rootStartTicks: number;

  constructor(
    private readonly rootPid: number,
    /** `NAME=value`, exactly as it appears in the children's environment. */
    private readonly marker: string,
  ) {
    const root = this.supported ? readProcessInfo(rootPid) : undefined;
    this.rootStartTicks = root === undefined ? 0 : Number(root.startTicks);
  }

  /** Records the current descendants of the root (cheap enough to call a few times a second). */
  snapshot(): void {
    if (!this.supported) return;
    const processes = listProcesses();
    const childrenOf = new Map<number, ProcessInfo[]>();
    for (const info of processes) {
      const siblings = childrenOf.get(info.parentPid) ?? [];
      siblings.push(info);
      childrenOf.set(info.parentPid, siblings);
    }
    const queue = [this.rootPid];
    for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
      for (const child of childrenOf.get(pid) ?? []) {
        this.known.set(child.pid, child.startTicks);
        queue.push(child.pid);
      }
    }
  }

  /**
   * Sends `signal` to the process group and to every live process of the tree (recorded
   * descendants that are still the same process, and any process carrying the marker).
   * Returns how many processes outside the group were signalled.
   */
  signalAll(signal: NodeJS.Signals): number {
    signalGroup(this.rootPid, signal);
    if (!this.supported) return 0;
    let signalled = 0;
    for (const info of listProcesses()) {
      // Older processes (nearly all of a host's) are skipped before their environment is read.
      if (info.pid === process.pid || Number(info.startTicks) < this.rootStartTicks) continue;
      const recorded = this.known.get(info.pid);
      const isRecorded = recorded !== undefined && recorded === info.startTicks;
      if (isRecorded || carriesMarker(info.pid, this.marker)) {
        try {
          process.kill(info.pid, signal);
          signalled += 1;
        } catch {
          // Gone in the meantime, or not ours to signal.
        }
      }
    }
    return signalled;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function listProcesses(): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  for (const entry of readdirSync(PROC)) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcessInfo(Number(entry));
    if (info) result.push(info);
  }
  return result;
}

function readProcessInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`${PROC}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses: the fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return undefined;
  const parentPid = Number(fields[1]);
  const startTicks = fields[19];
  if (!Number.isFinite(parentPid) || startTicks === undefined) return undefined;
  return { pid, parentPid, startTicks };
}

function carriesMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`${PROC}/${pid}/environ`, 'latin1').split('\0').includes(marker);
  } catch {
    return false;
  }
}
