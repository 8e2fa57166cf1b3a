import type { GitHost, Ticket, TicketComment, Tracker } from '@agentsmith/providers';

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

/** A human's answer to the plan the coding loop submitted. */
export type PlanDecision = { approved: true } | { approved: false; reason: string };

/** What the finish gate learned from running the tests before accepting `finish`. */
export interface FinishTestCheck {
  /** No test fails that passed before the change (or no tests to run). */
  acceptable: boolean;
  /** For the model: the command, new and already-failing tests, the failing sections. */
  report: string;
}

/** Input of one coding session. */
export interface CodingTask {
  ticket: Ticket;
  /** The ticket's comments, when the tracker provides them. */
  comments?: readonly TicketComment[] | undefined;
  repositoryPath: string;
  codingPrinciples: string | undefined;
  /** Extra instructions, e.g. the failing test sections of a repair round. */
  instructions?: string | undefined;
  /** The project's test command; null when the repository has none. */
  testCommand?: string | null | undefined;
  /** How the tests did before any change, in a sentence or two (for the prompt). */
  baseline?: string | undefined;
  /** Set when `approval: required`: the loop submits its plan through it before editing. */
  approvePlan?: ((plan: string) => Promise<PlanDecision>) | undefined;
  /** Runs the tests and compares with the baseline when the model calls `finish`. */
  checkBeforeFinish?: (() => Promise<FinishTestCheck>) | undefined;
  /** Asks the requester whether to continue past 80 % of the budget; true for "Continue". */
  budgetQuestion?: ((pause: BudgetPauseFacts) => Promise<boolean>) | undefined;
}

/** The broker's 80 % pause, in US dollars and seconds. */
export interface BudgetPauseFacts {
  spentUsd: number;
  capUsd: number;
  /** What "Continue" adds to the cap. */
  stepUsd: number;
  timeoutSeconds: number;
}

/** What the model did in one coding session. */
export interface CodingResult {
  summary: string;
  /** Files the agent's tools wrote (the working copy is the truth; see SourceWorkspace). */
  changedFiles: string[];
  /** The plan the loop submitted and a human approved, when approval was required. */
  approvedPlan?: string | undefined;
  /** Why the loop stopped: `finished`, `max-iterations`, `budget`, `deadline`, `no-tool-call`. */
  stopReason?: string | undefined;
  /** Set when the session stopped for money (cap, "stop", timeout, daily cap): why. */
  budgetStop?: string | undefined;
}

/**
 * The LLM side of a run, behind one port so steps never see a provider. The loop explores the
 * code and plans itself (there are no separate analysis or plan calls).
 */
export interface CodingAgent {
  execute(
    task: CodingTask,
    options: {
      signal: AbortSignal;
      onDetail: (text: string) => void;
      /** Called when a model answer starts arriving (the first call marks `firstLlmToken`). */
      onFirstToken?: () => void;
    },
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

export type { GitHost, Ticket, TicketComment, Tracker };
