import type { ModelMessage, ToolResultPart } from 'ai';
import { callModel } from './model-call.js';
import type { RoleModel } from './model-registry.js';

/** When and how far to compact the loop's conversation. */
export interface CompactionSettings {
  enabled: boolean;
  /** The loop model's context window in tokens. */
  contextWindowTokens: number;
  /** Compact once the estimated request exceeds this share of the window. */
  triggerRatio: number;
  /** Explicit trigger in tokens (`compaction.max_context_tokens`); wins over the ratio. */
  triggerTokens?: number | undefined;
  /** Iterations (model turn + tool results) always kept verbatim. */
  keepRecentIterations: number;
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  enabled: true,
  contextWindowTokens: 128_000,
  triggerRatio: 0.6,
  keepRecentIterations: 5,
};

/** The request size (tokens) past which the loop compacts. */
export function compactionTrigger(settings: CompactionSettings): number {
  return settings.triggerTokens ?? Math.floor(settings.contextWindowTokens * settings.triggerRatio);
}

/** Tool outputs shorter than this are kept when old outputs are dropped: the note would not be shorter. */
const PRUNE_MIN_CHARS = 240;
const PRUNED_MARK = '[output dropped to save context';

/** What {@link pruneToolOutputs} dropped. */
export interface PruneResult {
  /** Tool outputs replaced by a note. */
  pruned: number;
  /** Paths whose `read_file` output was dropped (a later read of one is a re-read). */
  readPaths: string[];
}

/**
 * First stage of compaction: replaces the outputs of tool calls in `iterations` (the older part of
 * the conversation) with a one-line note, keeping every call and its arguments. Mutates in place;
 * outputs dropped before are left as they are.
 */
export function pruneToolOutputs(iterations: ModelMessage[][]): PruneResult {
  const result: PruneResult = { pruned: 0, readPaths: [] };
  for (const iteration of iterations) {
    const calls = new Map<string, { toolName: string; input: unknown }>();
    for (const message of iteration) {
      if (message.role !== 'assistant' || typeof message.content === 'string') continue;
      for (const part of message.content) {
        if (part.type === 'tool-call') calls.set(part.toolCallId, part);
      }
    }
    for (const message of iteration) {
      if (message.role !== 'tool') continue;
      message.content = message.content.map((part) => {
        if (part.type !== 'tool-result') return part;
        const text = outputText(part);
        if (text.length < PRUNE_MIN_CHARS || text.startsWith(PRUNED_MARK)) return part;
        const call = calls.get(part.toolCallId);
        const path = pathOf(call?.input);
        if (part.toolName === 'read_file' && path !== undefined) result.readPaths.push(path);
        result.pruned += 1;
        const note = `${PRUNED_MARK}: ${part.toolName}${path === undefined ? '' : ` ${path}`}, ${lineCount(text)} lines. Call the tool again if you need it.]`;
        const pruned: ToolResultPart = {
          ...part,
          output: { type: part.output.type === 'error-text' ? 'error-text' : 'text', value: note },
        };
        return pruned;
      });
    }
  }
  return result;
}

function outputText(part: ToolResultPart): string {
  const output = part.output;
  if (!('value' in output)) return '';
  return typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
}

function pathOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const record = input as Record<string, unknown>;
  const value = record['path'] ?? record['command'] ?? record['pattern'];
  return typeof value === 'string' ? value.slice(0, 120) : undefined;
}

function lineCount(text: string): number {
  return text.split('\n').length;
}

const SUMMARY_INSTRUCTIONS =
  'You compress the history of an autonomous coding session so that the same engineer can continue ' +
  'with less context. Write a concise summary: what the task is, the files inspected and the facts that ' +
  'matter in them (with line numbers), changes already made (exact paths), commands run and their ' +
  'results, hypotheses ruled out, and what remains to do. Keep exact file paths, identifiers and error ' +
  'messages. No preamble.';

/** Renders old iterations (and an earlier summary) as text for the summarising model. */
export function renderForSummary(
  previousSummary: string | undefined,
  iterations: ModelMessage[][],
): string {
  const lines: string[] = [];
  if (previousSummary) lines.push(`Earlier summary:\n${previousSummary}\n`);
  iterations.forEach((messages, index) => {
    lines.push(`--- turn ${index + 1}`);
    for (const message of messages) lines.push(...renderMessage(message));
  });
  return lines.join('\n');
}

function renderMessage(message: ModelMessage): string[] {
  if (typeof message.content === 'string')
    return [`${message.role}: ${clip(message.content, 2000)}`];
  return message.content.map((part) => {
    if (part.type === 'text') return `${message.role}: ${clip(part.text, 2000)}`;
    if (part.type === 'tool-call') {
      return `call ${part.toolName}(${clip(JSON.stringify(part.input), 500)})`;
    }
    if (part.type === 'tool-result') {
      return `result ${part.toolName}: ${clip(outputText(part), 1500)}`;
    }
    return `${message.role}: [${part.type}]`;
  });
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} [...]`;
}

/** Second stage of compaction: asks the loop's own model for a summary of the dropped iterations. */
export async function summarizeIterations(options: {
  model: RoleModel;
  previousSummary: string | undefined;
  iterations: ModelMessage[][];
  stream: boolean;
  signal: AbortSignal;
}): Promise<Awaited<ReturnType<typeof callModel>>> {
  return callModel({
    model: options.model.model,
    instructions: SUMMARY_INSTRUCTIONS,
    messages: [
      { role: 'user', content: renderForSummary(options.previousSummary, options.iterations) },
    ],
    maxOutputTokens: Math.min(options.model.maxTokens, 4096),
    stream: options.stream,
    signal: options.signal,
  });
}
