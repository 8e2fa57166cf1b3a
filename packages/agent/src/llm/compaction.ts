import type { ModelMessage } from 'ai';
import { callModel } from './model-call.js';
import type { RoleModel } from './model-registry.js';

/** When and how far to compact the loop's conversation. */
export interface CompactionSettings {
  enabled: boolean;
  /** Compact once more iterations than this are held verbatim. */
  thresholdIterations: number;
  /** ...or once the last request's input tokens exceed this. */
  maxContextTokens: number;
  /** Iterations kept verbatim. */
  keepRecentIterations: number;
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  enabled: true,
  thresholdIterations: 8,
  maxContextTokens: 80_000,
  keepRecentIterations: 3,
};

/** True when the conversation should be compacted before the next request. */
export function shouldCompact(
  settings: CompactionSettings,
  iterationsHeld: number,
  lastPromptTokens: number,
): boolean {
  if (!settings.enabled || iterationsHeld <= settings.keepRecentIterations) return false;
  return (
    iterationsHeld > settings.thresholdIterations || lastPromptTokens > settings.maxContextTokens
  );
}

const SUMMARY_INSTRUCTIONS =
  'You compress the history of an autonomous coding session so it can continue with less context. ' +
  'Write a concise summary: what the task is about, files inspected and the facts that matter in them, ' +
  'changes already made (exact paths), commands run and their results, and what remains to do. ' +
  'Keep exact file paths, identifiers and error messages. No preamble.';

/** Renders old iterations (and an earlier summary) as text for the summarization model. */
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
      const output = part.output;
      const value =
        'value' in output
          ? typeof output.value === 'string'
            ? output.value
            : JSON.stringify(output.value)
          : '';
      return `result ${part.toolName}: ${clip(value ?? '', 1500)}`;
    }
    return `${message.role}: [${part.type}]`;
  });
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} [...]`;
}

/** Asks the summarization model for a summary of the dropped iterations. */
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
    maxOutputTokens: options.model.maxTokens,
    stream: options.stream,
    signal: options.signal,
  });
}
