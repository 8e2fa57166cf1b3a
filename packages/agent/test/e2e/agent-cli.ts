import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BUGGY_SUM_FILES, TEST_GIT_ENV, gitTestRepo, type GitTestRepo } from '@agentsmith/testkit';

/** The built CLI (run `npx tsc -b` first). */
const AGENT_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

export interface AgentRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  exited: Promise<{ exitCode: number | null; stdout: string; stderr: string }>;
}

/** Starts the built CLI as a child process with exactly `env` (plus PATH and HOME). */
export function startAgent(args: string[], env: NodeJS.ProcessEnv, cwd: string): AgentRun {
  const child = spawn(process.execPath, [AGENT_MAIN, ...args], {
    cwd,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...TEST_GIT_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ exitCode: number | null; stdout: string; stderr: string }>(
    (done) => {
      child.on('close', (exitCode) => done({ exitCode, stdout, stderr }));
    },
  );
  return { child, exited };
}

export function runAgent(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  return startAgent(args, env, cwd).exited;
}

/** A temporary folder with a config file and a workspace, removed by `cleanup`. */
export interface Sandbox {
  root: string;
  repo: GitTestRepo;
  configPath: string;
  workdir: string;
  writeConfig(yaml: string): Promise<void>;
  writeFile(relativePath: string, content: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function sandbox(files: Record<string, string> = BUGGY_SUM_FILES): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'agentsmith-e2e-'));
  const repo = await gitTestRepo({ ...files, 'package.json': files['package.json'] ?? '{}' });
  const configPath = join(root, 'agentsmith.yml');
  const workdir = join(root, 'work');
  const write = async (relativePath: string, content: string) => {
    const path = join(root, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    return path;
  };
  return {
    root,
    repo,
    configPath,
    workdir,
    writeConfig: async (yaml) => {
      await writeFile(configPath, yaml);
    },
    writeFile: write,
    cleanup: async () => {
      await repo.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
}
