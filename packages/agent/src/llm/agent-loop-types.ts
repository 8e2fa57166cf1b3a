import type { ModelMessage } from 'ai';
import type { BudgetQuestion } from './budget-refusal.js';
import type { CompactionSettings } from './compaction.js';
import type { FinishTestCheck } from './finish-gate.js';
import type { LlmRetryOptions } from './llm-retry.js';
import type { ModelRole, ModelSet } from './model-registry.js';
import type { PlanDecision } from './tools/define-tool.js';
import type { TokenUsage, UsageTracker } from './usage-tracker.js';

/** Why the loop stopped (without an error). */
export type AgentStopReason =
  'finished' | 'max-iterations' | 'deadline' | 'budget' | 'no-tool-call' | 'plan-rejected';

/** What the loop reports while it runs; map these to progress details, never to control flow. */
export type AgentEvent =
  /** A request to the model is about to be sent. */
  | { type: 'model-request'; iteration: number; modelId: string }
  /** Text the model wrote alongside (or instead of) tool calls. */
  | { type: 'text'; iteration: number; text: string }
  | { type: 'tool-call'; iteration: number; toolCallId: string; toolName: string; input: unknown }
  /** `output` is capped at 2000 characters. */
  | {
      type: 'tool-result';
      iteration: number;
      toolCallId: string;
      toolName: string;
      isError: boolean;
      output: string;
    }
  /** A model call failed and will be retried after `delayMs`. */
  | { type: 'retry'; attempt: number; delayMs: number; status: number | undefined; message: string }
  /** Tokens and cost of one model call; `costUsd` undefined means the model is unpriced. */
  | {
      type: 'usage';
      role: ModelRole;
      modelId: string;
      step: string;
      usage: TokenUsage;
      costUsd: number | undefined;
    }
  /**
   * The conversation was made smaller before a request: `pruned` replaced old tool outputs with
   * notes, `summarized` replaced old iterations with a summary by the loop's model.
   */
  | {
      type: 'compaction';
      iteration: number;
      stage: 'pruned' | 'summarized';
      /** Tool outputs dropped (`pruned`) or iterations summarised (`summarized`). */
      count: number;
      /** Estimated request tokens before and after this stage. */
      tokensBefore: number;
      tokensAfter: number;
      /** The provider said the request was too long (the stage was forced). */
      forced: boolean;
    }
  | { type: 'loop-end'; reason: AgentStopReason; iterations: number };

/** Everything {@link runAgentLoop} needs. */
export interface AgentLoopOptions {
  /** Called each time a model answer starts arriving (phase timings use the first). */
  onFirstToken?: (() => void) | undefined;
  /** Models by role; the loop uses `primary` (or `role`) and `summarization` for compaction. */
  models: ModelSet;
  /** Which role drives the loop; default `primary` (`reasoning` suits repair rounds). */
  role?: ModelRole;
  /** The repository root; tools cannot reach outside it. */
  workspaceRoot: string;
  systemPrompt: string;
  /** The task (ticket, plan, or failing test output for a repair round). */
  task: string;
  /** Continue a previous run: its conversation is kept and its changed files are carried over. */
  continueFrom?: AgentLoopResult;
  /** Model turns allowed in this call. */
  maxIterations: number;
  /** Wall-clock deadline (epoch ms); reaching it ends the loop with `stopReason: 'deadline'`. */
  deadline?: number;
  /** Cancels the run: the loop rejects with `CancelledError` and running commands are killed. */
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** Collects tokens and cost; one is created when absent. */
  usage?: UsageTracker;
  /** Step name recorded with usage; default `agent-loop`. */
  step?: string;
  /** Backoff of the one retry layer; defaults of agentsmith.yml when absent. */
  retry?: Partial<LlmRetryOptions>;
  /** Anthropic prompt caching of the system prompt, tools and conversation; default on. */
  cache?: { enabled: boolean };
  /** Token-based context management; the caller sets the loop model's window. */
  compaction?: Partial<CompactionSettings>;
  /**
   * Stop once the run's LLM cost (all roles, this tracker) reaches this many US dollars. Ignored
   * while the cost is unknown (unpriced model): the turn cap and the deadline still bound the run.
   */
  maxCostUsd?: number;
  /**
   * The credential broker paused the job at 80 % of its budget: asks the requester; true continues
   * (the broker raised the cap). Absent: the pause ends the loop like "stop".
   */
  onBudgetQuestion?: BudgetQuestion;
  /**
   * `approval: required`: offers `submit_plan`, refuses edits until a plan is approved, and ends
   * the loop with `plan-rejected` when it is not.
   */
  approvePlan?: (plan: string) => Promise<PlanDecision>;
  /**
   * Runs the tests and compares them with the baseline when the model calls `finish` (the finish
   * gate also checks git status for leftover files and changed tests whenever the root is a git
   * repository).
   */
  checkTests?: () => Promise<FinishTestCheck>;
  /** Stream responses (SSE); default true. */
  stream?: boolean;
  /** Environment for `run_command`; credentials are scrubbed from it. Default: PATH only. */
  commandEnvironment?: NodeJS.ProcessEnv;
  /** Time limit of one `run_command`; default 5 minutes. */
  commandTimeoutMs?: number;
  /** Time limit of one model request, retried when it passes; default 10 minutes. */
  requestTimeoutMs?: number;
}

/** How a loop call ended. */
export interface AgentLoopResult {
  /** The model's `finish` summary, else its last text. */
  summary: string;
  /** True when the model called `finish`. */
  finished: boolean;
  stopReason: AgentStopReason;
  /** With `stopReason: 'budget'`: why, in words for the pull request and the final card. */
  budgetStop?: string;
  /** Model turns used in this call. */
  iterations: number;
  /** Files written or edited (relative paths), this call and the runs it continues. */
  changedFiles: string[];
  /** The conversation, for `continueFrom`. */
  messages: ModelMessage[];
  stats: AgentLoopStats;
  /** The model that drove this call (its thinking blocks are only valid for the same model). */
  modelId: string;
  /** The plan a human approved in this call or the one it continues. */
  approvedPlan?: string | undefined;
}

/** Counters of one loop call, for logs and the evaluation harness. */
export interface AgentLoopStats {
  /** Model turns (same as `iterations`). */
  turns: number;
  toolCalls: number;
  /** `edit_file` and `write_file` calls, and how many of them failed. */
  edits: number;
  failedEdits: number;
  /** Compaction stages run (pruning and summarising each count). */
  compactions: number;
  /** `read_file` calls of a path whose earlier output compaction had dropped. */
  rereadsAfterCompaction: number;
  /** Requests the provider refused as too long and the loop sent again after compacting. */
  promptTooLongRetries: number;
}
