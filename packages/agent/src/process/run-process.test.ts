import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcess, runShell } from './run-process.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-process-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process counts as gone when it no longer exists or is a zombie waiting to be reaped. */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

describe('process/run-process', () => {
  it('captures stdout, stderr, interleaved output and the exit code', async () => {
    const result = await runShell('echo out; echo err >&2; exit 3', {
      cwd: dir,
      timeoutMs: 10_000,
    });

    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
      truncated: false,
    });
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  it('runs in cwd with the given environment and stdin', async () => {
    const result = await runProcess('bash', ['-c', 'pwd; echo "$FOO"; cat'], {
      cwd: dir,
      timeoutMs: 10_000,
      env: { FOO: 'bar', PATH: '/usr/bin:/bin' },
      input: 'from stdin',
    });

    expect(result.stdout).toEqual(`${dir}\nbar\nfrom stdin`);
  });

  it('kills a hanging command and the hanging child it started', async () => {
    const pidFile = join(dir, 'child.pid');

    const result = await runShell(`sleep 300 & echo $! > ${pidFile}; sleep 300`, {
      cwd: dir,
      timeoutMs: 500,
      killGraceMs: 200,
    });

    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    await expect.poll(() => isAlive(childPid), { timeout: 2_500 }).toBe(false);
  });

  it('escalates to SIGKILL when the command ignores SIGTERM', async () => {
    const result = await runShell(`trap '' TERM; while true; do sleep 0.05; done`, {
      cwd: dir,
      timeoutMs: 300,
      killGraceMs: 300,
    });

    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  });

  it('kills background children left behind when the command exits', async () => {
    const pidFile = join(dir, 'bg.pid');

    const result = await runShell(`sleep 300 & echo $! > ${pidFile}; echo done`, {
      cwd: dir,
      timeoutMs: 10_000,
    });

    expect(result.stdout).toEqual('done\n');
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    await expect.poll(() => isAlive(childPid), { timeout: 2_500 }).toBe(false);
  });

  it('rejects with a cancellation and kills the tree when aborted', async () => {
    const controller = new AbortController();
    const pidFile = join(dir, 'child.pid');
    const running = runShell(`sleep 300 & echo $! > ${pidFile}; sleep 300`, {
      cwd: dir,
      timeoutMs: 60_000,
      signal: controller.signal,
      killGraceMs: 200,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    controller.abort();

    await expect(running).rejects.toMatchObject({ code: 'run_cancelled' });
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    await expect.poll(() => isAlive(childPid), { timeout: 2_500 }).toBe(false);
  });

  describe('what escapes the process group', () => {
    // Each case would keep the call waiting, or leave `sleep 600` running, with a plain
    // process-group kill; the test's own timeout is the bound on returning.
    const readPid = async (file: string) =>
      Number((await readFile(join(dir, file), 'utf8')).trim());

    it('ends a new session that holds the output pipes when the command times out', async () => {
      const result = await runShell('setsid sleep 600 & echo $! > escaped.pid; sleep 600', {
        cwd: dir,
        timeoutMs: 2000,
        killGraceMs: 200,
      });

      expect(result.timedOut).toBe(true);
      const pid = await readPid('escaped.pid');
      await expect.poll(() => isAlive(pid), { timeout: 2_500 }).toBe(false);
    }, 15_000);

    it('ends a daemon that detached itself once the command exits', async () => {
      const daemon = `(setsid bash -c 'echo $$ > daemon.pid; exec sleep 600' </dev/null >/dev/null 2>&1 &)`;
      const result = await runShell(
        `${daemon}; while [ ! -s daemon.pid ]; do sleep 0.05; done; echo started`,
        {
          cwd: dir,
          timeoutMs: 10_000,
        },
      );

      expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n' });
      const pid = await readPid('daemon.pid');
      await expect.poll(() => isAlive(pid), { timeout: 2_500 }).toBe(false);
    }, 15_000);

    it('ends a child that cleared its environment and left its session', async () => {
      const result = await runShell('env -i setsid sleep 600 & echo $! > bare.pid; sleep 600', {
        cwd: dir,
        timeoutMs: 2000,
        killGraceMs: 200,
      });

      expect(result.timedOut).toBe(true);
      const pid = await readPid('bare.pid');
      await expect.poll(() => isAlive(pid), { timeout: 2_500 }).toBe(false);
    }, 15_000);

    it('returns even when an untraceable process keeps the pipes open', async () => {
      // Cleared environment, own session, and the leader exits at once: no trace leads to it.
      const result = await runShell(
        `env -i setsid bash -c 'echo $$ > hidden.pid; exec sleep 600' & while [ ! -s hidden.pid ]; do sleep 0.01; done; echo left`,
        { cwd: dir, timeoutMs: 60_000 },
      );
      const hidden = await readPid('hidden.pid');
      process.kill(hidden, 'SIGKILL');

      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect(result.stdout).toContain('left');
    }, 15_000);
  });

  it('keeps the head and tail of long output with a marker', async () => {
    const result = await runShell('echo START; seq 1 100000; echo END', {
      cwd: dir,
      timeoutMs: 10_000,
      maxOutputBytes: 1000,
    });

    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('START\n')).toBe(true);
    expect(result.stdout.endsWith('END\n')).toBe(true);
    expect(result.stdout).toMatch(/characters of output omitted/);
    expect(result.stdout.length).toBeLessThan(1100);
  });
});
