import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeLlmApi } from '../fake-llm-api.js';
import { git } from '../git-test-repo.js';
import { oracleTurns } from './eval-oracle.js';
import type { EvalTask } from './eval-tasks.js';

/** Who solves the task: the scripted oracle (right or deliberately wrong) or a real model. */
export type EvalSolver =
  | { kind: 'oracle'; wrong?: boolean }
  /** Replays a recorded session (`agentsmith --replay`): no model, no API key. */
  | { kind: 'replay'; recording: string }
  | { kind: 'model'; type: string; model: string; env: NodeJS.ProcessEnv };

/** What one run of one task produced, graded. */
export interface EvalResult {
  taskId: string;
  ecosystem: EvalTask['ecosystem'];
  /** Hidden fail-to-pass and pass-to-pass tests all pass on the agent's branch. */
  resolved: boolean;
  /** The agent produced a branch commit (a PR in hosted setups). */
  branchCreated: boolean;
  failToPassPassed: boolean;
  passToPassPassed: boolean;
  /** The run could not be judged on the model's merits (setup, checkout, baseline, grading). */
  environmentFailure: string | undefined;
  agentExitCode: number | null;
  /** The step that failed, when the run failed. */
  failedStep: string | undefined;
  turns: number;
  edits: number;
  failedEdits: number;
  rereadsAfterCompaction: number;
  inputTokens: number;
  outputTokens: number;
  durationMs: number;
  /** The agent's stdout and stderr (not kept in `--json` reports). */
  output?: string;
}

export interface RunEvalTaskOptions {
  /** The built agent CLI (`packages/agent/dist/main.js`). */
  agentMain: string;
  solver: EvalSolver;
  /** Kills the agent after this long. Default 15 minutes. */
  timeoutMs?: number;
  /** Keep the task's temporary folder (for inspection). */
  keep?: boolean;
  /** Record the run's model session to this file (`agentsmith --record`). */
  record?: string;
}

/** The fake server takes any key; one unlike any word of a session keeps recordings readable. */
const ORACLE_API_KEY = 'fake-llm-key-7f3a9c';

const ENVIRONMENT_STEPS = new Set([
  'FetchTicketCommand',
  'CheckoutSourceCommand',
  'LoadCodingPrinciplesCommand',
  'BaselineTestCommand',
]);

/**
 * Runs the agent CLI on one task (local repository, local ticket) and grades the result the
 * SWE-bench way: the hidden tests are added to a clone of the agent's branch, and the task is
 * resolved when every fail-to-pass and pass-to-pass test passes.
 */
export async function runEvalTask(
  task: EvalTask,
  options: RunEvalTaskOptions,
): Promise<EvalResult> {
  const root = await mkdtemp(join(tmpdir(), `agentsmith-eval-${task.id}-`));
  const llm = options.solver.kind === 'oracle' ? await FakeLlmApi.start() : undefined;
  const started = Date.now();
  try {
    const repo = join(root, 'repo');
    await writeFiles(repo, task.files);
    await git(repo, 'init', '--quiet', '--initial-branch=main');
    await git(repo, 'add', '--all');
    await git(repo, 'commit', '--quiet', '-m', 'initial');
    await writeFiles(join(root, 'tickets'), {
      '1-ticket.md': `# ${task.ticket.title}\n\n${task.ticket.body}\n`,
    });
    const agent =
      options.solver.kind !== 'model'
        ? '{ type: claude, model: claude-oracle, retry: { max_retries: 0 } }'
        : `{ type: ${options.solver.type}, model: ${options.solver.model} }`;
    await writeFile(
      join(root, 'agentsmith.yml'),
      [
        'projects:',
        '  task:',
        `    source: { type: local, path: ${repo} }`,
        `    tickets: { type: local, path: ${join(root, 'tickets')} }`,
        `    agent: ${agent}`,
        `    coding_principles_path: ${join(root, 'no-principles.md')}`,
        `    test: { command: "${task.testCommand}", timeout: 5m, repair_rounds: 1 }`,
      ].join('\n'),
    );
    if (llm && options.solver.kind === 'oracle') {
      llm.script(...oracleTurns(task, options.solver.wrong));
    }
    const env: NodeJS.ProcessEnv = {
      ...toolchainEnvironment(root),
      LOG_LEVEL: 'info',
      AGENTSMITH_WORKDIR: join(root, 'work'),
      ...(llm
        ? { ANTHROPIC_API_KEY: ORACLE_API_KEY, ANTHROPIC_BASE_URL: llm.baseUrl }
        : options.solver.kind === 'model'
          ? options.solver.env
          : {}),
    };
    const session =
      options.solver.kind === 'replay'
        ? ['--replay', options.solver.recording]
        : options.record
          ? ['--record', options.record]
          : [];
    const run = await runProcess(
      process.execPath,
      [options.agentMain, '--config', join(root, 'agentsmith.yml'), ...session, 'fix #1 in task'],
      { cwd: root, env, timeoutMs: options.timeoutMs ?? 15 * 60_000 },
    );
    const metrics = parseAgentOutput(run.stdout, run.stderr);
    const output = `${run.stdout}\n${run.stderr}`;
    const branchCreated = (await git(repo, 'branch', '--list', 'fix/1')).includes('fix/1');
    let grade = { failToPass: false, passToPass: false, error: undefined as string | undefined };
    if (branchCreated) grade = await gradeBranch(task, repo, join(root, 'graded'), env);
    const environmentFailure =
      run.exitCode === 2
        ? `agent exited 2: ${lastLine(run.stdout + run.stderr)}`
        : metrics.failedStep !== undefined && ENVIRONMENT_STEPS.has(metrics.failedStep)
          ? `failed at ${metrics.failedStep}`
          : grade.error;
    return {
      taskId: task.id,
      ecosystem: task.ecosystem,
      resolved: branchCreated && grade.failToPass && grade.passToPass,
      branchCreated,
      failToPassPassed: grade.failToPass,
      passToPassPassed: grade.passToPass,
      environmentFailure,
      agentExitCode: run.exitCode,
      failedStep: metrics.failedStep,
      turns: metrics.turns,
      edits: metrics.edits,
      failedEdits: metrics.failedEdits,
      rereadsAfterCompaction: metrics.rereads,
      inputTokens: metrics.inputTokens,
      outputTokens: metrics.outputTokens,
      durationMs: Date.now() - started,
      output,
    };
  } finally {
    await llm?.stop();
    if (!options.keep) await rm(root, { recursive: true, force: true });
  }
}

/**
 * PATH, HOME and the toolchains' settings every task's commands run with: Go's build cache and
 * Maven's local repository are shared between tasks; rustup and Cargo keep their own homes.
 */
export function toolchainEnvironment(root: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: root,
    RUSTUP_HOME: process.env['RUSTUP_HOME'] ?? join(homedir(), '.rustup'),
    CARGO_HOME: process.env['CARGO_HOME'] ?? join(homedir(), '.cargo'),
    MAVEN_OPTS: `-Dmaven.repo.local=${join(tmpdir(), 'agentsmith-eval-m2')}`,
    GOCACHE: join(tmpdir(), 'agentsmith-eval-gocache'),
    GOPATH: join(root, 'gopath'),
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
  };
}

/**
 * Checks that a task measures something: on the unfixed repository its fail-to-pass tests fail
 * and its pass-to-pass tests pass. Returns the problem, or undefined when the task is valid.
 */
export async function validateTask(task: EvalTask): Promise<string | undefined> {
  const root = await mkdtemp(join(tmpdir(), `agentsmith-eval-check-${task.id}-`));
  try {
    const repo = join(root, 'repo');
    await writeFiles(repo, task.files);
    await git(repo, 'init', '--quiet', '--initial-branch=main');
    await git(repo, 'add', '--all');
    await git(repo, 'commit', '--quiet', '-m', 'initial');
    const grade = await gradeBranch(
      task,
      repo,
      join(root, 'graded'),
      toolchainEnvironment(root),
      'main',
    );
    if (grade.error) return grade.error;
    if (grade.failToPass) return 'its fail-to-pass tests pass without a fix';
    if (!grade.passToPass) return 'its pass-to-pass tests fail before any change';
    return undefined;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Grades the agent's branch: a fresh clone of `fix/1` gets the hidden tests; the fail-to-pass and
 * pass-to-pass commands must both pass. Also used on `main` to check that a task is valid (its
 * fail-to-pass tests fail before any fix).
 */
export async function gradeBranch(
  task: EvalTask,
  repo: string,
  into: string,
  env: NodeJS.ProcessEnv,
  branch = 'fix/1',
): Promise<{ failToPass: boolean; passToPass: boolean; error: string | undefined }> {
  await git(dirname(into), 'clone', '--quiet', '--branch', branch, repo, into);
  await writeFiles(into, task.hiddenTests);
  const shell = (command: string) =>
    runProcess('bash', ['-c', command], { cwd: into, env, timeoutMs: 5 * 60_000 });
  const failToPass = await shell(task.failToPass);
  const passToPass = await shell(task.passToPass);
  const missingTool = [failToPass, passToPass].find((result) =>
    /command not found|No module named pytest|cannot find module/i.test(result.stderr),
  );
  return {
    failToPass: failToPass.exitCode === 0,
    passToPass: passToPass.exitCode === 0,
    error: missingTool ? `grading could not run: ${lastLine(missingTool.stderr)}` : undefined,
  };
}

interface AgentMetrics {
  turns: number;
  edits: number;
  failedEdits: number;
  rereads: number;
  inputTokens: number;
  outputTokens: number;
  failedStep: string | undefined;
}

/** Reads the agent's log lines (JSON on stderr at LOG_LEVEL=info) and its usage lines (stdout). */
export function parseAgentOutput(stdout: string, stderr: string): AgentMetrics {
  const metrics: AgentMetrics = {
    turns: 0,
    edits: 0,
    failedEdits: 0,
    rereads: 0,
    inputTokens: 0,
    outputTokens: 0,
    failedStep: undefined,
  };
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (entry['msg'] === 'coding session ended') {
      const stats = (entry['stats'] ?? {}) as Record<string, number>;
      metrics.turns += stats['turns'] ?? 0;
      metrics.edits += stats['edits'] ?? 0;
      metrics.failedEdits += stats['failedEdits'] ?? 0;
      metrics.rereads += stats['rereadsAfterCompaction'] ?? 0;
    }
    if (entry['msg'] === 'step failed' && typeof entry['step'] === 'string') {
      metrics.failedStep = entry['step'];
    }
  }
  for (const match of stdout.matchAll(/LLM usage: [^:\n]+: (\d+) in \/ (\d+) out tokens/g)) {
    metrics.inputTokens += Number(match[1]);
    metrics.outputTokens += Number(match[2]);
  }
  return metrics;
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

interface ProcessOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(
  program: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      {
        ...options,
        timeout: options.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ exitCode: code, stdout, stderr });
      },
    );
  });
}
