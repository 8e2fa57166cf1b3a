import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TEST_GIT_ENV, gitTestRepo, type FakeLlmTurn, type GitTestRepo } from '@agentsmith/testkit';

/** The built CLI (run `npx tsc -b` first). */
export const AGENT_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

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

/** A small node project with a bug (sum adds one too many) and a test that catches it. */
export const BUGGY_FILES: Record<string, string> = {
  'package.json': JSON.stringify(
    { name: 'demo', version: '1.0.0', scripts: { test: 'node test.js' } },
    null,
    2,
  ),
  'src/sum.js': 'export function sum(a, b) {\n  return a + b + 1;\n}\n',
  'test.js':
    "import { sum } from './src/sum.js';\nif (sum(2, 2) !== 4) {\n  console.error(`FAIL sum(2, 2) = ${sum(2, 2)}, expected 4`);\n  process.exit(1);\n}\nconsole.log('ok');\n",
};

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

export async function sandbox(files: Record<string, string> = BUGGY_FILES): Promise<Sandbox> {
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

/** The LLM turns of a run that fixes the bug: scout analysis, plan, edit, finish. */
export function fixingTurns(): FakeLlmTurn[] {
  return [
    { text: 'A node project; src/sum.js computes the sum and test.js checks it.' },
    {
      object: {
        summary: 'sum adds a stray 1',
        steps: ['Remove the + 1 in src/sum.js'],
        filesToTouch: ['src/sum.js'],
      },
    },
    {
      toolCalls: [
        {
          name: 'edit_file',
          input: { path: 'src/sum.js', old_text: 'a + b + 1', new_text: 'a + b' },
        },
      ],
    },
    { toolCalls: [{ name: 'finish', input: { summary: 'Removed the stray + 1 in sum' } }] },
  ];
}
