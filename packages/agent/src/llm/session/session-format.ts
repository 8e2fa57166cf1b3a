import { z } from 'zod';

/**
 * The recording format of model sessions (`--record` / `--replay`), described in
 * docs/recordings.md. JSON Lines: one header line, then one line per model exchange in the order
 * the run made them. Version 1; a reader refuses other versions.
 */
export const SESSION_FORMAT = 'agentsmith-session';
export const SESSION_FORMAT_VERSION = 1;

/** Characters of one tool output or user text kept in a request's `input` (for readers only). */
export const RECORDED_INPUT_CHARS = 2000;

const sessionHeaderSchema = z.object({
  type: z.literal('header'),
  format: z.literal(SESSION_FORMAT),
  version: z.number().int(),
  provider: z.string(),
  model: z.string(),
  recordedAt: z.string(),
  project: z.string().optional(),
  ticket: z.string().optional(),
});

/** What the run sent since the model's previous answer: the task text or the tool results. */
const recordedInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('tool-result'),
    toolCallId: z.string(),
    toolName: z.string(),
    /** The SDK's output kind: `text`, `error-text`, `json`, `error-json`, `content`, … */
    outputType: z.string(),
    output: z.string(),
  }),
]);

const recordedContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('reasoning'),
    text: z.string(),
    providerMetadata: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  }),
  z.object({
    type: z.literal('tool-call'),
    toolCallId: z.string(),
    toolName: z.string(),
    /** JSON-encoded tool input, as the model wrote it. */
    input: z.string(),
  }),
]);

const recordedUsageSchema = z.object({
  inputTokens: z.number().optional(),
  noCacheTokens: z.number().optional(),
  cacheReadTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
});

const sessionExchangeSchema = z.object({
  type: z.literal('exchange'),
  /** 1-based, every model call of the run (loop turns, summaries, repair rounds). */
  turn: z.number().int().positive(),
  /** The agent's model role (`primary`, `reasoning`). */
  role: z.string(),
  model: z.string(),
  request: z.object({
    stream: z.boolean(),
    /** Messages in the request (the system prompt excluded). */
    messages: z.number().int(),
    /** Tool names offered, sorted. */
    tools: z.array(z.string()),
    input: z.array(recordedInputSchema),
  }),
  /** The model's answer, or the error the call ended with (`error`). */
  response: z
    .object({
      content: z.array(recordedContentSchema),
      finishReason: z.string(),
      usage: recordedUsageSchema,
    })
    .optional(),
  error: z
    .object({
      name: z.string(),
      message: z.string(),
      statusCode: z.number().optional(),
      responseBody: z.string().optional(),
      isRetryable: z.boolean().optional(),
    })
    .optional(),
});

export type SessionHeader = z.infer<typeof sessionHeaderSchema>;
export type SessionExchange = z.infer<typeof sessionExchangeSchema>;
export type RecordedInput = z.infer<typeof recordedInputSchema>;
export type RecordedContent = z.infer<typeof recordedContentSchema>;
export type RecordedUsage = z.infer<typeof recordedUsageSchema>;

/** A recording read from its file. */
export interface SessionRecording {
  header: SessionHeader;
  exchanges: SessionExchange[];
}

/** A recording file that cannot be read; the message names the line and what is wrong. */
export class SessionFileError extends Error {
  override readonly name = 'SessionFileError';
}

/** Parses a recording's text; throws {@link SessionFileError} naming the first bad line. */
export function parseSessionRecording(text: string, file: string): SessionRecording {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new SessionFileError(`${file} is empty: it is not a recording.`);
  const header = sessionHeaderSchema.safeParse(parseLine(lines[0] ?? '', 1, file));
  if (!header.success) {
    throw new SessionFileError(
      `${file} line 1 is not an ${SESSION_FORMAT} header (${describeIssues(header.error)}).`,
    );
  }
  if (header.data.version !== SESSION_FORMAT_VERSION) {
    throw new SessionFileError(
      `${file} is ${SESSION_FORMAT} version ${header.data.version}; this agent reads version ${SESSION_FORMAT_VERSION}.`,
    );
  }
  const exchanges = lines.slice(1).map((line, index) => {
    const parsed = sessionExchangeSchema.safeParse(parseLine(line, index + 2, file));
    if (!parsed.success) {
      throw new SessionFileError(
        `${file} line ${index + 2} is not a model exchange (${describeIssues(parsed.error)}).`,
      );
    }
    if (parsed.data.turn !== index + 1) {
      throw new SessionFileError(
        `${file} line ${index + 2} is turn ${parsed.data.turn}; expected turn ${index + 1}.`,
      );
    }
    return parsed.data;
  });
  return { header: header.data, exchanges };
}

/** One line of the file (no trailing newline). */
export function formatSessionLine(entry: SessionHeader | SessionExchange): string {
  return JSON.stringify(entry);
}

function parseLine(line: string, number: number, file: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new SessionFileError(`${file} line ${number} is not JSON.`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`)
    .join('; ');
}
