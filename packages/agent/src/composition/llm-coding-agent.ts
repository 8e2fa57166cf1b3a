import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@agentsmith/kit';
import {
  analyzeCode,
  generatePlan,
  runAgentLoop,
  type UsageTracker,
  type AgentEvent,
  type AgentLoopResult,
  type LoopSettings,
  type ModelSet,
} from '../llm/index.js';
import type { CodeAnalysis, CodingAgent, CodingTask, Plan } from '../pipeline/run-ports.js';
import { formatCost } from '../progress/format-cost.js';
import { analyzeRepository } from '../steps/analyze-repository.js';

export interface LlmCodingAgentSettings {
  models: ModelSet;
  loop: LoopSettings;
  usage: UsageTracker;
  /** Environment of `run_command` (scrubbed of credentials by the loop). */
  commandEnvironment: NodeJS.ProcessEnv;
  logger: Logger;
}

const KEY_FILES = [
  'README.md',
  'package.json',
  'pyproject.toml',
  'go.mod',
  'Cargo.toml',
  'Makefile',
];

const SYSTEM_PROMPT = [
  'You are Agent Smith, a careful software engineer fixing one ticket in the repository you can see through your tools.',
  'Read the relevant code before changing it. Make the smallest correct change; keep the style of the surrounding code.',
  "Paths are relative to the repository root. Run the project's tests with run_command when you can.",
  'Never commit, push or change git configuration: the pipeline does that after you finish.',
  'When the work is complete, call finish with a short summary of what you changed and why.',
].join('\n');

/** The LLM layer behind the steps' `CodingAgent` port: scout analysis, plan, coding loop. */
export function createLlmCodingAgent(settings: LlmCodingAgentSettings): CodingAgent {
  let previous: AgentLoopResult | undefined;
  const retryDetail =
    (onDetail: (text: string) => void) =>
    (notice: { attempt: number; delayMs: number; status?: number | undefined }) =>
      onDetail(
        `LLM busy (${notice.status ?? 'network'}); retry ${notice.attempt} in ${Math.round(notice.delayMs / 1000)}s`,
      );

  return {
    async analyze({ repositoryPath, ticket }, options): Promise<CodeAnalysis> {
      const base = await analyzeRepository(repositoryPath, options.signal);
      const keyFiles = await readKeyFiles(repositoryPath, base.files);
      const scout = await analyzeCode(
        {
          ticketTitle: ticket?.title ?? '',
          ticketBody: ticket?.body ?? '',
          files: base.files,
          keyFiles,
        },
        {
          models: settings.models,
          signal: options.signal,
          usage: settings.usage,
          step: 'AnalyzeCodeCommand',
          retry: settings.loop.retry,
          onRetry: retryDetail(options.onDetail),
        },
      );
      return { ...base, overview: `${base.overview}\n\nScout notes:\n${scout}` };
    },

    async plan(input, options): Promise<Plan> {
      const plan = await generatePlan(
        {
          ticketTitle: input.ticket.title,
          ticketBody: input.ticket.body,
          ...(input.analysis ? { analysis: input.analysis.overview } : {}),
          ...(input.codingPrinciples ? { codingPrinciples: input.codingPrinciples } : {}),
        },
        {
          models: settings.models,
          signal: options.signal,
          usage: settings.usage,
          step: 'GeneratePlanCommand',
          retry: settings.loop.retry,
          onRetry: retryDetail(options.onDetail),
        },
      );
      return {
        summary: plan.summary,
        steps: plan.steps.map((description) => ({ description })),
      };
    },

    async execute(task, options) {
      const repair = task.instructions !== undefined && previous !== undefined;
      const result = await runAgentLoop({
        models: settings.models,
        workspaceRoot: task.repositoryPath,
        systemPrompt: systemPrompt(task.codingPrinciples),
        task: repair ? (task.instructions ?? '') : taskText(task),
        ...(repair && previous ? { continueFrom: previous } : {}),
        maxIterations: settings.loop.maxIterations,
        maxCostUsd: settings.loop.maxCostUsd,
        deadline: Date.now() + settings.loop.maxDurationMs,
        signal: options.signal,
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
      });
      previous = result;
      settings.logger.info(
        {
          stopReason: result.stopReason,
          iterations: result.iterations,
          cost: settings.usage.formatCost(),
        },
        'coding session ended',
      );
      return { summary: result.summary, changedFiles: result.changedFiles };
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

function systemPrompt(principles: string | undefined): string {
  return principles
    ? `${SYSTEM_PROMPT}\n\nCoding principles of this project:\n${principles}`
    : SYSTEM_PROMPT;
}

function taskText(task: CodingTask): string {
  const lines = [`Fix ticket ${task.ticket.id}: ${task.ticket.title}`, '', task.ticket.body];
  if (task.plan) {
    lines.push(
      '',
      `Plan: ${task.plan.summary}`,
      ...task.plan.steps.map((step, index) => `${index + 1}. ${step.description}`),
    );
  }
  if (task.instructions) lines.push('', task.instructions);
  return lines.join('\n');
}

/** One detail line per interesting loop event (tool calls, tool errors, retries). */
export function describeEvent(event: AgentEvent): string | undefined {
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

async function readKeyFiles(
  root: string,
  files: string[],
): Promise<{ path: string; content: string }[]> {
  const present = KEY_FILES.filter((file) => files.includes(file));
  return Promise.all(
    present.map(async (path) => ({ path, content: await readFile(join(root, path), 'utf8') })),
  );
}
