import type { Logger } from '@agentsmith/kit';
import {
  buildCodeMap,
  buildSystemPrompt,
  buildTaskPrompt,
  readRepositoryInstructions,
  runAgentLoop,
  Workspace,
  type UsageTracker,
  type AgentEvent,
  type AgentLoopResult,
  type LoopSettings,
  type ModelSet,
} from '../llm/index.js';
import type { CodingAgent, CodingTask } from '../pipeline/run-ports.js';
import { formatCost } from '@agentsmith/contracts';

export interface LlmCodingAgentSettings {
  models: ModelSet;
  loop: LoopSettings;
  usage: UsageTracker;
  /** Environment of `run_command` (scrubbed of credentials by the loop). */
  commandEnvironment: NodeJS.ProcessEnv;
  /** Job mode: the project's `egress.allow`, stated in the system prompt. */
  egressAllow?: readonly string[] | undefined;
  logger: Logger;
}

/** Tokens the code map may take in the system prompt. */
const CODE_MAP_TOKENS = 4000;

/**
 * The LLM layer behind the steps' `CodingAgent` port: one coding loop per ticket (it explores,
 * plans, edits and finishes through the test gate), continued by repair rounds on the `reasoning`
 * role's model.
 */
export function createLlmCodingAgent(settings: LlmCodingAgentSettings): CodingAgent {
  let previous: AgentLoopResult | undefined;
  let systemPrompt: string | undefined;
  // One deadline for the run: repair rounds share what the first session left.
  let deadline: number | undefined;

  return {
    async execute(task, options) {
      const repair = task.instructions !== undefined && previous !== undefined;
      systemPrompt ??= await buildPrompt(task, settings, options.signal);
      const result = await runAgentLoop({
        models: settings.models,
        role: repair ? 'reasoning' : 'primary',
        workspaceRoot: task.repositoryPath,
        systemPrompt,
        task: repair ? (task.instructions ?? '') : taskText(task),
        ...(repair && previous ? { continueFrom: previous } : {}),
        maxIterations: settings.loop.maxIterations,
        maxCostUsd: settings.loop.maxCostUsd,
        deadline: (deadline ??= Date.now() + settings.loop.maxDurationMs),
        signal: options.signal,
        onFirstToken: options.onFirstToken,
        onEvent: (event) => {
          const line = describeEvent(event);
          if (line) options.onDetail(line);
        },
        usage: settings.usage,
        step: repair ? 'TestCommand' : 'AgenticExecuteCommand',
        retry: settings.loop.retry,
        cache: settings.loop.cache,
        compaction: settings.loop.compaction,
        commandEnvironment: settings.commandEnvironment,
        ...(task.approvePlan ? { approvePlan: task.approvePlan } : {}),
        ...(task.checkBeforeFinish ? { checkTests: task.checkBeforeFinish } : {}),
        ...(task.budgetQuestion ? { onBudgetQuestion: task.budgetQuestion } : {}),
      });
      previous = result;
      settings.logger.info(
        {
          stopReason: result.stopReason,
          iterations: result.iterations,
          stats: result.stats,
          cost: settings.usage.formatCost(),
        },
        'coding session ended',
      );
      return {
        summary: result.summary,
        changedFiles: result.changedFiles,
        approvedPlan: result.approvedPlan,
        stopReason: result.stopReason,
        budgetStop: result.budgetStop,
      };
    },

    costUsd: () => settings.usage.totals().costUsd,

    usageLines: () => [
      ...Object.entries(settings.usage.byModel()).map(
        ([model, totals]) =>
          `${model}: ${totals.inputTokens} in / ${totals.outputTokens} out tokens, ${formatCost(totals.costUsd)}`,
      ),
      ...Object.entries(settings.usage.byStep()).map(
        ([step, totals]) => `${step}: ${totals.calls} call(s), ${formatCost(totals.costUsd)}`,
      ),
    ],
  };
}

async function buildPrompt(
  task: CodingTask,
  settings: LlmCodingAgentSettings,
  signal: AbortSignal,
): Promise<string> {
  const workspace = await Workspace.open(task.repositoryPath, settings.commandEnvironment);
  const files = await workspace.listFiles('.', signal);
  const [repositoryInstructions, codeMap] = await Promise.all([
    readRepositoryInstructions(task.repositoryPath),
    buildCodeMap(task.repositoryPath, files, {
      ticketText: `${task.ticket.title}\n${task.ticket.body}`,
      budgetTokens: CODE_MAP_TOKENS,
      signal,
    }),
  ]);
  return buildSystemPrompt({
    testCommand: task.testCommand ?? null,
    baseline: task.baseline,
    codingPrinciples: task.codingPrinciples,
    repositoryInstructions,
    codeMap,
    planApproval: task.approvePlan !== undefined,
    egressAllow: settings.egressAllow,
  });
}

function taskText(task: CodingTask): string {
  return buildTaskPrompt({
    ticketId: task.ticket.id,
    title: task.ticket.title,
    body: task.ticket.body,
    comments: task.comments,
    instructions: task.instructions,
  });
}

/** One detail line per interesting loop event (tool calls, tool errors, retries). */
function describeEvent(event: AgentEvent): string | undefined {
  switch (event.type) {
    case 'tool-call':
      return `${event.toolName} ${summarizeInput(event.input)}`.trimEnd();
    case 'tool-result':
      return event.isError
        ? `${event.toolName} failed: ${event.output.split('\n')[0] ?? ''}`
        : undefined;
    case 'retry':
      return `LLM call failed (${event.status ?? 'network'}); retry ${event.attempt} in ${Math.round(event.delayMs / 1000)}s`;
    case 'compaction':
      return event.stage === 'pruned'
        ? `Context: dropped ${event.count} old tool outputs (~${event.tokensBefore} → ${event.tokensAfter} tokens)`
        : `Context: summarised ${event.count} earlier turns (~${event.tokensBefore} → ${event.tokensAfter} tokens)`;
    case 'loop-end':
      return `Coding loop ended (${event.reason}) after ${event.iterations} iterations`;
    case 'model-request':
    case 'text':
    case 'usage':
      return undefined;
  }
}

function summarizeInput(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const record = input as Record<string, unknown>;
  const value = record['path'] ?? record['command'] ?? record['pattern'] ?? record['summary'];
  const text = typeof value === 'string' ? value : '';
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}
