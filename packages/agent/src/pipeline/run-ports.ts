import type { GitHost, Ticket, Tracker } from '@agentsmith/providers';

/** The working copy a run changes. */
export interface CheckedOutSource {
  /** Absolute path of the working copy. */
  path: string;
  /** The run's branch, e.g. `fix/58`. */
  branch: string;
  /** The branch the pull request targets (the default branch). */
  baseBranch: string;
}

/** What a commit produced. */
export interface PushedCommit {
  sha: string;
  changedFiles: string[];
}

/** The git side of a run: checkout, then commit and push. Credentials stay inside. */
export interface SourceWorkspace {
  /** Fresh clone (or fetch + hard reset of a reused one) with `branch` checked out. */
  checkout(branch: string, options: { signal: AbortSignal }): Promise<CheckedOutSource>;
  /** Files changed in the working copy against HEAD (staged, unstaged and new). */
  changedFiles(options: { signal: AbortSignal }): Promise<string[]>;
  /** Stages everything, commits with `message` and pushes the branch; null when nothing changed. */
  commitAndPush(message: string, options: { signal: AbortSignal }): Promise<PushedCommit | null>;
}

/** A plan of the change, validated by the LLM layer's schema. */
export interface Plan {
  summary: string;
  steps: { description: string; files?: string[] | undefined }[];
}

/** Deterministic facts about the repository given to the planner. */
export interface CodeAnalysis {
  files: string[];
  /** e.g. `node`, `python`; null when unknown. */
  projectType: string | null;
  /** Short markdown overview for prompts. */
  overview: string;
}

/** Input of one coding session. */
export interface CodingTask {
  ticket: Ticket;
  repositoryPath: string;
  plan: Plan | undefined;
  codingPrinciples: string | undefined;
  /** Extra instructions, e.g. the failing test output of a repair round. */
  instructions?: string | undefined;
}

/** What the model did in one coding session. */
export interface CodingResult {
  summary: string;
  /** Files the agent's tools wrote (the working copy is the truth; see SourceWorkspace). */
  changedFiles: string[];
}

/** The LLM side of a run, behind one port so steps never see a provider. */
export interface CodingAgent {
  /** Optional LLM-assisted analysis; the step falls back to a deterministic one. */
  analyze?(
    input: { repositoryPath: string; ticket: Ticket | undefined },
    options: { signal: AbortSignal; onDetail: (text: string) => void },
  ): Promise<CodeAnalysis>;
  plan(
    input: {
      ticket: Ticket;
      analysis: CodeAnalysis | undefined;
      codingPrinciples: string | undefined;
    },
    options: { signal: AbortSignal; onDetail: (text: string) => void },
  ): Promise<Plan>;
  execute(
    task: CodingTask,
    options: { signal: AbortSignal; onDetail: (text: string) => void },
  ): Promise<CodingResult>;
  /** Total cost so far in US dollars; undefined when a model had no price ("cost unknown"). */
  costUsd(): number | undefined;
  /** One line per model: tokens and cost, for the final report. */
  usageLines(): string[];
}

/** One failing test, as the test runner's output or report names it. */
export interface FailingTest {
  /** e.g. `tests/test_calc.py::test_add`, `TestAdd`, `calc::tests::adds`. */
  name: string;
  /** The assertion or error message, one line. */
  message: string;
  /** The part of the output about this test (traceback, diff), capped. */
  section: string;
}

/** The result of one test run. */
export interface TestRun {
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  failures: FailingTest[];
}

/** Finds and runs a repository's tests. */
export interface TestRunner {
  /** The command to run (configured or detected); null when the repository has no tests. */
  detect(repositoryPath: string): Promise<string | null>;
  run(repositoryPath: string, command: string, options: { signal: AbortSignal }): Promise<TestRun>;
}

/** How a working copy is set up and tested, and why (from agentsmith.yml or detected). */
export interface EnvironmentPlan {
  /** Commands run in the working copy after checkout, before the coding loop. */
  setup: string[];
  /** The test command; null when none is configured or detected. */
  test: string | null;
  /** For the progress line, e.g. `detected pytest: pytest configured in pyproject.toml`. */
  reason: string;
}

/** How the setup of a working copy ended. */
export type EnvironmentSetup =
  | { kind: 'ready'; plan: EnvironmentPlan }
  | {
      kind: 'failed';
      plan: EnvironmentPlan;
      command: string;
      exitCode: number | null;
      timedOut: boolean;
      output: string;
    };

/** Prepares a working copy for the coding loop: the project's setup commands, then it is ready. */
export interface ProjectEnvironment {
  prepare(
    repositoryPath: string,
    options: { signal: AbortSignal; onDetail: (text: string) => void },
  ): Promise<EnvironmentSetup>;
}

export type { GitHost, Ticket, Tracker };
