import type { FixTicketIntent } from '@agentsmith/contracts';
import type { Logger } from '@agentsmith/kit';
import type { ProgressReporter } from '../progress/progress-reporter.js';
import type {
  CheckedOutSource,
  CodingAgent,
  GitHost,
  ProjectEnvironment,
  SourceWorkspace,
  TestRun,
  TestRunner,
  Ticket,
  Tracker,
} from './run-ports.js';

/** Project settings the steps read (a narrow slice of the configuration). */
export interface RunSettings {
  projectName: string;
  approval: 'auto' | 'required';
  /** Seconds a required approval waits for an answer before taking the default. */
  approvalTimeoutSeconds: number;
  codingPrinciplesPath: string;
  testRepairRounds: number;
  /** The branch the run works on, `fix/<ticket>`. */
  branch: string;
  /** Workflow state the ticket moves to after the pull request (`tickets.completed_state`). */
  completedState?: string | undefined;
}

/** What the steps learn as the run goes; each step reads what earlier steps wrote. */
export interface RunState {
  ticket?: Ticket;
  source?: CheckedOutSource;
  codingPrinciples?: string;
  approved?: boolean;
  /** The test command (configured or detected); null when the repository has none. */
  testCommand?: string | null;
  /** The test run before any change. */
  baseline?: { command: string; run: TestRun };
  /** The plan the loop submitted and a human approved (`approval: required`). */
  approvedPlan?: string;
  /** The final test report (after the change, compared with the baseline). */
  testReport?: string;
  codingSummary?: string;
  changedFiles?: string[];
  testOutput?: string;
  prUrl?: string;
  prCreated?: boolean;
  commitSha?: string;
  /**
   * Set when the coding loop stopped for money (its cap, the requester's "stop", the question's
   * timeout, the project's daily cap): why. The run keeps its work as a draft pull request.
   */
  unfinished?: string;
}

/** Everything a step may use: ports (never concrete providers), settings and the run's state. */
export interface RunContext {
  readonly intent: FixTicketIntent;
  readonly settings: RunSettings;
  readonly tracker: Tracker;
  readonly gitHost: GitHost;
  readonly source: SourceWorkspace;
  readonly coder: CodingAgent;
  readonly tests: TestRunner;
  /** Setup commands after checkout; absent in contexts that never set anything up (tests). */
  readonly environment?: ProjectEnvironment;
  readonly reporter: ProgressReporter;
  readonly logger: Logger;
  readonly state: RunState;
}
