import { CancelledError, DEFAULT_RETRY_POLICY } from '@agentsmith/kit';
import type { ModelMessage, SystemModelMessage } from 'ai';
import type {
  AgentEvent,
  AgentLoopOptions,
  AgentLoopResult,
  AgentLoopStats,
  AgentStopReason,
} from './agent-loop-types.js';
import {
  compactionTrigger,
  DEFAULT_COMPACTION,
  pruneToolOutputs,
  summarizeIterations,
} from './compaction.js';
import { BudgetStopError, withBudgetQuestions } from './budget-refusal.js';
import { PromptTooLongError, withLlmRetry, type LlmRetryOptions } from './llm-retry.js';
import { callModel } from './model-call.js';
import type { ModelRole, RoleModel } from './model-registry.js';
import { RequestSizeEstimator } from './request-size.js';
import { runToolCalls } from './run-tool-calls.js';
import { scrubEnvironment } from '../process/scrub-environment.js';
import { FinishGate } from './finish-gate.js';
import { AGENT_TOOLS, AGENT_TOOLS_WITH_PLAN, toSdkTools } from './tools/agent-tools.js';
import type { ToolContext } from './tools/define-tool.js';
import { ReadCache } from './tools/read-cache.js';
import { Workspace } from './tools/workspace.js';
import { UsageTracker, type TokenUsage } from './usage-tracker.js';

export type * from './agent-loop-types.js';

const ANTHROPIC_CACHE = { anthropic: { cacheControl: { type: 'ephemeral' } } };
const NUDGE =
  'Continue the task using the tools. When the task is complete, call finish with a summary of your changes.';
const DEFAULT_COMMAND_TIMEOUT_MS = 5 * 60_000;
/** Times one turn's request is compacted and sent again after a "prompt too long" answer. */
const PROMPT_TOO_LONG_RETRIES = 3;
/** Older turns needed before an unforced summary is worth a model call. */
const MIN_TURNS_TO_SUMMARIZE = 2;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The agentic coding loop: sends the conversation to the model, runs the tools it calls inside the
 * workspace, and repeats until the model calls `finish`, the turn cap, the cost budget or the
 * deadline is reached, or it stops calling tools twice in a row. Call it again with `continueFrom`
 * (and e.g. failing test output as `task`) for a repair round.
 *
 * Context is managed by tokens: before each request the loop estimates its size; past the trigger
 * (about 60 % of the model's window) it first drops old tool outputs (calls stay, with a one-line
 * note), then, if still needed, has the loop's model summarise the older iterations. The newest
 * iterations always stay verbatim. A "prompt too long" answer compacts and sends again.
 *
 * Throws `CancelledError` when `signal` aborts, and an `AppError` coded `llm_unavailable` or
 * `llm_rate_limited` when the model stays unreachable after the retries.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<AgentLoopResult> {
  const role = options.role ?? 'primary';
  const model = options.models[role];
  const emit = (event: AgentEvent) => options.onEvent?.(event);
  const usage = options.usage ?? new UsageTracker();
  const step = options.step ?? 'agent-loop';
  const stream = options.stream ?? true;
  const retry: LlmRetryOptions = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const compaction = { ...DEFAULT_COMPACTION, ...options.compaction };
  const trigger = compactionTrigger(compaction);
  const caching = (options.cache?.enabled ?? true) && model.provider === 'anthropic';
  const commandEnvironment = scrubEnvironment(options.commandEnvironment ?? { PATH: DEFAULT_PATH });
  const workspace = await Workspace.open(options.workspaceRoot, commandEnvironment);
  for (const file of options.continueFrom?.changedFiles ?? []) workspace.changedFiles.add(file);

  const deadlineSignal =
    options.deadline === undefined
      ? undefined
      : AbortSignal.timeout(Math.max(0, options.deadline - Date.now()));
  const signals = [options.signal, deadlineSignal].filter((s): s is AbortSignal => s !== undefined);
  const signal = AbortSignal.any(signals);
  const context: ToolContext = {
    workspace,
    signal,
    readCache: new ReadCache(),
    commandEnvironment,
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    finishGate: new FinishGate(workspace, options.checkTests),
  };
  await context.finishGate?.rememberStart(signal);
  const approvePlan = options.approvePlan;
  const previouslyApproved = options.continueFrom?.approvedPlan;
  if (approvePlan) {
    context.plan = {
      required: true,
      approved: previouslyApproved !== undefined,
      ...(previouslyApproved !== undefined ? { text: previouslyApproved } : {}),
      submit: approvePlan,
    };
  }
  const agentTools = approvePlan ? AGENT_TOOLS_WITH_PLAN : AGENT_TOOLS;
  const tools = toSdkTools(agentTools, caching ? ANTHROPIC_CACHE : undefined);
  const instructions: string | SystemModelMessage = caching
    ? { role: 'system', content: options.systemPrompt, providerOptions: ANTHROPIC_CACHE }
    : options.systemPrompt;
  const estimator = new RequestSizeEstimator([options.systemPrompt, tools]);

  // The first task message is never compacted away; a repair round's earlier conversation and
  // its new task are ordinary held iterations, so they can be pruned and summarised like others.
  const taskMessage: ModelMessage = { role: 'user', content: options.task };
  const previous = withoutForeignReasoning(options.continueFrom, model.modelId);
  const prefix: ModelMessage[] = previous.length > 0 ? previous.slice(0, 1) : [taskMessage];
  const held: ModelMessage[][] =
    previous.length > 0 ? [previous.slice(1), [taskMessage]].filter((c) => c.length > 0) : [];
  let summaryMessage: ModelMessage | undefined;
  let summaryText: string | undefined;
  /** Paths whose read output compaction removed: reading one again is a re-read. */
  const forgottenReads = new Set<string>();
  const stats: AgentLoopStats = {
    turns: 0,
    toolCalls: 0,
    edits: 0,
    failedEdits: 0,
    compactions: 0,
    rereadsAfterCompaction: 0,
    promptTooLongRetries: 0,
  };
  let lastText = '';
  let silentTurns = 0;
  const conversation = () => [
    ...prefix,
    ...(summaryMessage ? [summaryMessage] : []),
    ...held.flat(),
  ];
  const finish = (
    reason: AgentStopReason,
    iterations: number,
    summary: string,
    budgetStop?: string,
  ): AgentLoopResult => {
    emit({ type: 'loop-end', reason, iterations });
    return {
      summary,
      finished: reason === 'finished',
      stopReason: reason,
      ...(budgetStop === undefined ? {} : { budgetStop }),
      iterations,
      changedFiles: [...workspace.changedFiles],
      messages: conversation(),
      stats: { ...stats, turns: iterations },
      approvedPlan: context.plan?.text ?? previouslyApproved,
      modelId: model.modelId,
    };
  };
  const recordUsage = (usedRole: ModelRole, used: RoleModel, tokens: TokenUsage) => {
    const record = usage.record(used.modelId, step, tokens);
    emit({
      type: 'usage',
      role: usedRole,
      modelId: used.modelId,
      step,
      usage: tokens,
      costUsd: record.costUsd,
    });
  };
  const overBudget = () => {
    if (options.maxCostUsd === undefined) return false;
    const spent = usage.totals().costUsd;
    return spent !== undefined && spent >= options.maxCostUsd;
  };

  /** Drops old tool outputs, then summarises old iterations, until the request fits the trigger. */
  const fitContext = async (iteration: number, forced: boolean): Promise<boolean> => {
    let before = estimator.estimate(conversation());
    if (!forced && (!compaction.enabled || before <= trigger)) return false;
    // A refused request must shrink even when the estimate says it fits: keep only the last turn.
    const keep = forced
      ? Math.min(1, compaction.keepRecentIterations)
      : compaction.keepRecentIterations;
    let changed = false;
    const older = held.slice(0, Math.max(0, held.length - keep));
    const pruned = pruneToolOutputs(older);
    if (pruned.pruned > 0) {
      for (const path of pruned.readPaths) forgottenReads.add(path);
      // The model no longer holds those contents: let it read them again in full.
      context.readCache.clear();
      estimator.forget();
      const after = estimator.estimate(conversation());
      emit({
        type: 'compaction',
        iteration,
        stage: 'pruned',
        count: pruned.pruned,
        tokensBefore: before,
        tokensAfter: after,
        forced,
      });
      stats.compactions += 1;
      changed = true;
      before = after;
      if (after <= trigger && !forced) return true;
    }
    // Summarising a single turn each time would cost a call per turn; below the window's hard limit
    // the request still goes out, and a refusal forces the summary.
    if (older.length < (forced ? 1 : MIN_TURNS_TO_SUMMARIZE) || (forced && changed)) return changed;
    const dropped = held.splice(0, older.length);
    for (const path of readPathsIn(dropped)) forgottenReads.add(path);
    const summary = await withBudgetQuestions(
      () =>
        withLlmRetry(
          () =>
            summarizeIterations({
              model,
              previousSummary: summaryText,
              iterations: dropped,
              stream,
              signal,
            }),
          { policy: retry, signal, onRetry: (notice) => emit({ type: 'retry', ...notice }) },
        ),
      options.onBudgetQuestion,
    );
    recordUsage(role, model, summary.usage);
    summaryText = summary.text;
    summaryMessage = {
      role: 'user',
      content:
        `Summary of the earlier part of this session (older turns were removed to save context):\n${summary.text}` +
        (previous.length > 0 ? `\n\nYour current task:\n${options.task}` : ''),
    };
    context.readCache.clear();
    estimator.forget();
    emit({
      type: 'compaction',
      iteration,
      stage: 'summarized',
      count: dropped.length,
      tokensBefore: before,
      tokensAfter: estimator.estimate(conversation()),
      forced,
    });
    stats.compactions += 1;
    return true;
  };

  const request = async (iteration: number) => {
    for (let attempt = 0; ; attempt += 1) {
      const messages = conversation();
      if (caching) markLastForCache(messages);
      try {
        const response = await withBudgetQuestions(
          () =>
            withLlmRetry(
              () =>
                callModel({
                  model: model.model,
                  instructions,
                  messages,
                  tools,
                  maxOutputTokens: model.maxTokens,
                  stream,
                  signal,
                  providerOptions: model.providerOptions,
                  onFirstToken: options.onFirstToken,
                  ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
                }),
              { policy: retry, signal, onRetry: (notice) => emit({ type: 'retry', ...notice }) },
            ),
          options.onBudgetQuestion,
        );
        estimator.report(response.promptTokens, messages.length);
        return response;
      } catch (error) {
        if (!(error instanceof PromptTooLongError) || attempt >= PROMPT_TOO_LONG_RETRIES) {
          throw error;
        }
        if (!(await fitContext(iteration, true))) throw error;
        stats.promptTooLongRetries += 1;
      }
    }
  };

  let iteration = 0;
  try {
    while (iteration < options.maxIterations) {
      if (overBudget()) {
        const cap = `$${(options.maxCostUsd ?? 0).toFixed(2)}`;
        return finish('budget', iteration, lastText, `The run spent its ${cap} LLM budget.`);
      }
      iteration += 1;
      await fitContext(iteration, false);

      emit({ type: 'model-request', iteration, modelId: model.modelId });
      const response = await request(iteration);
      recordUsage(role, model, response.usage);
      if (response.text) {
        lastText = response.text;
        emit({ type: 'text', iteration, text: response.text });
      }
      const turn: ModelMessage[] = [...response.assistantMessages];
      if (response.toolCalls.length === 0) {
        silentTurns += 1;
        if (silentTurns > 1) {
          held.push(turn);
          return finish('no-tool-call', iteration, lastText);
        }
        turn.push({ role: 'user', content: NUDGE });
        held.push(turn);
        continue;
      }
      silentTurns = 0;
      for (const call of response.toolCalls) {
        const path = (call.input as { path?: unknown } | null)?.path;
        if (call.toolName === 'read_file' && typeof path === 'string' && forgottenReads.has(path)) {
          stats.rereadsAfterCompaction += 1;
          forgottenReads.delete(path);
        }
      }
      const results = await runToolCalls(response.toolCalls, agentTools, context, iteration, emit);
      countCalls(stats, results.message);
      turn.push(results.message);
      held.push(turn);
      if (results.stop === 'plan-rejected') return finish('plan-rejected', iteration, lastText);
      if (results.finishSummary !== undefined)
        return finish('finished', iteration, results.finishSummary);
    }
    return finish('max-iterations', iteration, lastText);
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError('cancelled', { cause: error });
    if (deadlineSignal?.aborted) return finish('deadline', iteration, lastText);
    if (error instanceof BudgetStopError) {
      return finish('budget', iteration, lastText, error.message);
    }
    throw error;
  }
}

/**
 * The conversation a repair round continues. Thinking blocks are signed for the model that wrote
 * them; when another model (the `reasoning` role) continues, they are left out.
 */
function withoutForeignReasoning(
  previous: AgentLoopResult | undefined,
  modelId: string,
): ModelMessage[] {
  if (!previous) return [];
  if (previous.modelId === modelId) return previous.messages;
  return previous.messages.map((message) =>
    message.role === 'assistant' && typeof message.content !== 'string'
      ? { ...message, content: message.content.filter((part) => part.type !== 'reasoning') }
      : message,
  );
}

function countCalls(stats: AgentLoopStats, message: ModelMessage): void {
  if (message.role !== 'tool') return;
  for (const part of message.content) {
    if (part.type !== 'tool-result') continue;
    stats.toolCalls += 1;
    if (part.toolName !== 'edit_file' && part.toolName !== 'write_file') continue;
    stats.edits += 1;
    if (part.output.type === 'error-text') stats.failedEdits += 1;
  }
}

function readPathsIn(iterations: ModelMessage[][]): string[] {
  const paths: string[] = [];
  for (const message of iterations.flat()) {
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (const part of message.content) {
      const path =
        part.type === 'tool-call' && part.toolName === 'read_file'
          ? (part.input as { path?: unknown } | null)?.path
          : undefined;
      if (typeof path === 'string') paths.push(path);
    }
  }
  return paths;
}

/** Anthropic caches the prompt up to the last marked block: mark the newest message. */
function markLastForCache(messages: ModelMessage[]): void {
  const last = messages.at(-1);
  if (last) messages[messages.length - 1] = { ...last, providerOptions: ANTHROPIC_CACHE };
}
