import type { AgentPhase } from '../../src/progress/phase-clock.js';
import { silentLogger } from '@agentsmith/kit';
import type {
  GitHost,
  KeyedComment,
  PullRequest,
  PullRequestInput,
  Ticket,
  Tracker,
} from '@agentsmith/providers';
import type { RunContext, RunSettings } from '../../src/pipeline/run-context.js';
import type {
  CodingAgent,
  CodingResult,
  CodingTask,
  SourceWorkspace,
  TestRun,
  TestRunner,
} from '../../src/pipeline/run-ports.js';
import type {
  ProgressReporter,
  QuestionRequest,
  RunFailure,
  RunSummary,
  StepEnd,
  StepProgress,
} from '../../src/progress/progress-reporter.js';

/** Every call a recording reporter saw, in order. */
export type ReporterEvent =
  | { kind: 'started'; progress: StepProgress }
  | { kind: 'ended'; end: StepEnd }
  | { kind: 'detail'; text: string }
  | { kind: 'ask'; question: QuestionRequest }
  | { kind: 'done'; summary: RunSummary }
  | { kind: 'failed'; failure: RunFailure };

export class RecordingReporter implements ProgressReporter {
  readonly events: ReporterEvent[] = [];
  readonly phases: AgentPhase[] = [];
  answer: string | undefined;

  markPhase(phase: AgentPhase): void {
    this.phases.push(phase);
  }

  stepStarted(progress: StepProgress): Promise<void> {
    this.events.push({ kind: 'started', progress });
    return Promise.resolve();
  }
  stepEnded(end: StepEnd): Promise<void> {
    this.events.push({ kind: 'ended', end: { ...end, durationMs: 0 } });
    return Promise.resolve();
  }
  detail(text: string): void {
    this.events.push({ kind: 'detail', text });
  }
  ask(question: QuestionRequest): Promise<string> {
    this.events.push({ kind: 'ask', question });
    return Promise.resolve(this.answer ?? question.defaultChoice);
  }
  done(summary: RunSummary): Promise<void> {
    this.events.push({ kind: 'done', summary: { ...summary, durationMs: 0 } });
    return Promise.resolve();
  }
  failed(failure: RunFailure): Promise<void> {
    this.events.push({ kind: 'failed', failure });
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  of<Kind extends ReporterEvent['kind']>(kind: Kind): Extract<ReporterEvent, { kind: Kind }>[] {
    return this.events.filter(
      (event): event is Extract<ReporterEvent, { kind: Kind }> => event.kind === kind,
    );
  }
}

export class MemoryTracker implements Tracker {
  readonly type = 'github';
  readonly comments: { ticketId: string; key: string; body: string }[] = [];
  readonly transitions: { ticketId: string; state: string }[] = [];
  constructor(readonly tickets: Ticket[]) {}
  getTicket(ticketId: string): Promise<Ticket | null> {
    return Promise.resolve(this.tickets.find((ticket) => ticket.id === ticketId) ?? null);
  }
  listOpenTickets(limit: number) {
    return Promise.resolve({ tickets: this.tickets.slice(0, limit), total: this.tickets.length });
  }
  ensureTicket(): Promise<{ ticket: Ticket; created: boolean }> {
    return Promise.reject(new Error('not used'));
  }
  ensureComment(ticketId: string, comment: KeyedComment): Promise<{ created: boolean }> {
    if (this.comments.some((earlier) => earlier.key === comment.key)) {
      return Promise.resolve({ created: false });
    }
    this.comments.push({ ticketId, ...comment });
    return Promise.resolve({ created: true });
  }
  transitionTicket(ticketId: string, state: string): Promise<void> {
    this.transitions.push({ ticketId, state });
    return Promise.resolve();
  }
}

export class MemoryGitHost implements GitHost {
  readonly type = 'github';
  readonly pullRequests: (PullRequest & { body: string })[] = [];
  cloneSource() {
    return { url: 'https://example.test/o/r.git' };
  }
  findDefaultBranch(): Promise<string | null> {
    return Promise.resolve('main');
  }
  ensurePullRequest(input: PullRequestInput) {
    const existing = this.pullRequests.find((pr) => pr.head === input.head);
    if (existing) {
      Object.assign(existing, input);
      return Promise.resolve({ pullRequest: existing, created: false });
    }
    const number = this.pullRequests.length + 1;
    const pullRequest = {
      ...input,
      number,
      url: `https://example.test/o/r/pull/${number}`,
      state: 'open' as const,
    };
    this.pullRequests.push(pullRequest);
    return Promise.resolve({ pullRequest, created: true });
  }
}

export class MemorySource implements SourceWorkspace {
  changed: string[] = [];
  commits: string[] = [];
  checkout(branch: string) {
    return Promise.resolve({ path: '/tmp/repo', branch, baseBranch: 'main' });
  }
  changedFiles(): Promise<string[]> {
    return Promise.resolve([...this.changed]);
  }
  commitAndPush(message: string) {
    if (this.changed.length === 0) return Promise.resolve(null);
    this.commits.push(message);
    return Promise.resolve({ sha: 'abc123', changedFiles: [...this.changed] });
  }
}

/** A coding agent whose sessions run `onExecute` (e.g. to mark files changed). */
export class ScriptedCoder implements CodingAgent {
  readonly tasks: CodingTask[] = [];
  constructor(
    private readonly onExecute: (task: CodingTask) => CodingResult | Promise<CodingResult>,
  ) {}
  async execute(task: CodingTask): Promise<CodingResult> {
    this.tasks.push(task);
    return this.onExecute(task);
  }
  costUsd(): number | undefined {
    return 0.0123;
  }
  usageLines(): string[] {
    return [];
  }
}

/** A test runner answering from a script: `true`/`false`, or a run with named failures. */
export class ScriptedTests implements TestRunner {
  readonly runs: string[] = [];
  constructor(
    private readonly command: string | null,
    private readonly results: (boolean | { failures: string[] })[],
  ) {}
  detect(): Promise<string | null> {
    return Promise.resolve(this.command);
  }
  run(_path: string, command: string): Promise<TestRun> {
    this.runs.push(command);
    const next = this.results.shift() ?? false;
    const failures =
      typeof next === 'boolean'
        ? []
        : next.failures.map((name) => ({
            name,
            message: `${name} failed`,
            section: `--- ${name}\nexpected 2, got 3`,
          }));
    const passed = typeof next === 'boolean' ? next : failures.length === 0;
    return Promise.resolve({
      passed,
      exitCode: passed ? 0 : 1,
      timedOut: false,
      output: passed ? 'ok' : 'FAIL a.test\nexpected 2, got 3',
      failures,
    });
  }
}

export const TICKET: Ticket = {
  id: '58',
  title: 'Off by one',
  body: 'The count is wrong',
  labels: [],
  state: 'open',
};

export interface FakeRunContext extends RunContext {
  readonly tracker: MemoryTracker;
  readonly gitHost: MemoryGitHost;
  readonly source: MemorySource;
  readonly reporter: RecordingReporter;
}

export function fakeRunContext(
  overrides: Partial<{
    coder: CodingAgent;
    tests: TestRunner;
    settings: Partial<RunSettings>;
    tickets: Ticket[];
  }> = {},
): FakeRunContext {
  const source = new MemorySource();
  return {
    intent: { ticketId: '58', project: 'demo' },
    settings: {
      projectName: 'demo',
      approval: 'auto',
      approvalTimeoutSeconds: 60,
      codingPrinciplesPath: '/nonexistent/principles.md',
      testRepairRounds: 2,
      branch: 'fix/58',
      ...overrides.settings,
    },
    tracker: new MemoryTracker(overrides.tickets ?? [TICKET]),
    gitHost: new MemoryGitHost(),
    source,
    coder:
      overrides.coder ??
      new ScriptedCoder(() => {
        source.changed = ['src/a.ts'];
        return { summary: 'Fixed the loop bound', changedFiles: ['src/a.ts'] };
      }),
    tests: overrides.tests ?? new ScriptedTests(null, []),
    reporter: new RecordingReporter(),
    logger: silentLogger(),
    state: {},
  };
}
