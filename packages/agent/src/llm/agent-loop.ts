import { CancelledError, DEFAULT_RETRY_POLICY } from '@agentsmith/kit';
import type { ModelMessage, SystemModelMessage } from 'ai';
import type {
  AgentEvent,
  AgentLoopOptions,
  AgentLoopResult,
  AgentStopReason,
} from './agent-loop-types.js';
import { DEFAULT_COMPACTION, shouldCompact, summarizeIterations } from './compaction.js';
import { withLlmRetry, type LlmRetryOptions } from './llm-retry.js';
import { callModel } from './model-call.js';
import type { ModelRole, RoleModel } from './model-registry.js';
import { runToolCalls } from './run-tool-calls.js';
import { scrubEnvironment } from '../process/scrub-environment.js';
import { AGENT_TOOLS, toSdkTools } from './tools/agent-tools.js';
import type { ToolContext } from './tools/define-tool.js';
import { ReadCache } from './tools/read-cache.js';
import { Workspace } from './tools/workspace.js';
import { UsageTracker, type TokenUsage } from './usage-tracker.js';

export type * from './agent-loop-types.js';

const ANTHROPIC_CACHE = { anthropic: { cacheControl: { type: 'ephemeral' } } };
const NUDGE =
  'Continue the task using the tools. When the task is complete, call finish with a summary of your changes.';
const DEFAULT_COMMAND_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The agentic coding loop: sends the conversation to the model, runs the tools it calls inside the
 * workspace, and repeats until the model calls `finish`, the iteration cap or the deadline is
 * reached, or it stops calling tools twice in a row. Call it again with `continueFrom` (and e.g.
 * failing test output as `task`) for a repair round.
 *
 * Throws `CancelledError` when `signal` aborts, and an `AppError` coded `llm_unavailable` or
 * `llm_rate_limited` when the model stays unreachable after the retries.
 */
export async function runAgentLoop(options: AgentLoopOptions): Promise<AgentLoopResult> {
  const model = options.models[options.role ?? 'primary'];
  const emit = (event: AgentEvent) => options.onEvent?.(event);
  const usage = options.usage ?? new UsageTracker();
  const step = options.step ?? 'agent-loop';
  const stream = options.stream ?? true;
  const retry: LlmRetryOptions = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const compaction = { ...DEFAULT_COMPACTION, ...options.compaction };
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
  };
  const tools = toSdkTools(AGENT_TOOLS, caching ? ANTHROPIC_CACHE : undefined);
  const instructions: string | SystemModelMessage = caching
    ? { role: 'system', content: options.systemPrompt, providerOptions: ANTHROPIC_CACHE }
    : options.systemPrompt;

  const prefix: ModelMessage[] = [
    ...(options.continueFrom?.messages ?? []),
    { role: 'user', content: options.task },
  ];
  let summaryMessage: ModelMessage | undefined;
  let summaryText: string | undefined;
  const held: ModelMessage[][] = [];
  let lastPromptTokens = 0;
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
  ): AgentLoopResult => {
    emit({ type: 'loop-end', reason, iterations });
    return {
      summary,
      finished: reason === 'finished',
      stopReason: reason,
      iterations,
      changedFiles: [...workspace.changedFiles],
      messages: conversation(),
    };
  };
  const recordUsage = (role: ModelRole, used: RoleModel, tokens: TokenUsage) => {
    const record = usage.record(used.modelId, step, tokens);
    emit({
      type: 'usage',
      role,
      modelId: used.modelId,
      step,
      usage: tokens,
      costUsd: record.costUsd,
    });
  };

  let iteration = 0;
  try {
    while (iteration < options.maxIterations) {
      iteration += 1;
      if (shouldCompact(compaction, held.length, lastPromptTokens)) {
        const dropped = held.splice(0, held.length - compaction.keepRecentIterations);
        const summary = await withLlmRetry(
          () =>
            summarizeIterations({
              model: options.models.summarization,
              previousSummary: summaryText,
              iterations: dropped,
              stream,
              signal,
            }),
          { policy: retry, signal, onRetry: (notice) => emit({ type: 'retry', ...notice }) },
        );
        recordUsage('summarization', options.models.summarization, summary.usage);
        summaryText = summary.text;
        summaryMessage = {
          role: 'user',
          content: `Summary of the earlier part of this session:\n${summary.text}`,
        };
        // The file contents the model saw are gone from its context: let it read them again.
        context.readCache.clear();
        lastPromptTokens = 0;
        emit({
          type: 'compaction',
          iteration,
          compactedIterations: dropped.length,
          summaryLength: summary.text.length,
        });
      }

      emit({ type: 'model-request', iteration, modelId: model.modelId });
      const messages = conversation();
      if (caching) markLastForCache(messages);
      const response = await withLlmRetry(
        () =>
          callModel({
            model: model.model,
            instructions,
            messages,
            tools,
            maxOutputTokens: model.maxTokens,
            stream,
            signal,
            ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
          }),
        { policy: retry, signal, onRetry: (notice) => emit({ type: 'retry', ...notice }) },
      );
      recordUsage(options.role ?? 'primary', model, response.usage);
      lastPromptTokens = response.promptTokens;
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
      const results = await runToolCalls(response.toolCalls, AGENT_TOOLS, context, iteration, emit);
      turn.push(results.message);
      held.push(turn);
      if (results.finishSummary !== undefined)
        return finish('finished', iteration, results.finishSummary);
    }
    return finish('max-iterations', iteration, lastText);
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError('cancelled', { cause: error });
    if (deadlineSignal?.aborted) return finish('deadline', iteration, lastText);
    throw error;
  }
}

/** Anthropic caches the prompt up to the last marked block: mark the newest message. */
function markLastForCache(messages: ModelMessage[]): void {
  const last = messages.at(-1);
  if (last) messages[messages.length - 1] = { ...last, providerOptions: ANTHROPIC_CACHE };
}
