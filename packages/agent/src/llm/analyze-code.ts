import { withLlmRetry } from './llm-retry.js';
import { callModel } from './model-call.js';
import type { LlmCallOptions } from './generate-plan.js';

/** What the scout model looks at. */
export interface CodeAnalysisInput {
  ticketTitle: string;
  ticketBody: string;
  /** Repository-relative file paths (capped by the caller). */
  files: string[];
  /** A few key files (README, manifest) with their content. */
  keyFiles?: { path: string; content: string }[];
}

const MAX_LISTED_FILES = 500;
const MAX_KEY_FILE_CHARS = 8000;

const ANALYSIS_INSTRUCTIONS =
  'You are a scout: from a file listing and a few key files, say briefly what the repository is ' +
  '(language, build and test commands), and which files most likely relate to the ticket and why. ' +
  'At most 15 lines. No code.';

/** A short repository and ticket analysis by the cheap scout model. */
export async function analyzeCode(
  input: CodeAnalysisInput,
  options: LlmCallOptions,
): Promise<string> {
  const scout = options.models.scout;
  const signal = options.signal ?? new AbortController().signal;
  const listing = input.files.slice(0, MAX_LISTED_FILES).join('\n');
  const more =
    input.files.length > MAX_LISTED_FILES
      ? `\n(${input.files.length - MAX_LISTED_FILES} more files)`
      : '';
  const keyFiles = (input.keyFiles ?? [])
    .map((file) => `--- ${file.path}\n${file.content.slice(0, MAX_KEY_FILE_CHARS)}`)
    .join('\n');
  const content = `Ticket: ${input.ticketTitle}\n${input.ticketBody}\n\nFiles:\n${listing}${more}\n\n${keyFiles}`;
  const result = await withLlmRetry(
    () =>
      callModel({
        model: scout.model,
        instructions: ANALYSIS_INSTRUCTIONS,
        messages: [{ role: 'user', content }],
        maxOutputTokens: scout.maxTokens,
        stream: false,
        signal,
        ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
      }),
    { policy: options.retry, signal, onRetry: options.onRetry },
  );
  options.usage?.record(scout.modelId, options.step ?? 'analyze', result.usage);
  return result.text.trim();
}
