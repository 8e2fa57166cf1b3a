import { appendFileSync, writeFileSync } from 'node:fs';
import { SecretSanitizer } from '@agentsmith/kit';
import type { LanguageModelMiddleware } from 'ai';
import {
  formatSessionLine,
  SESSION_FORMAT,
  SESSION_FORMAT_VERSION,
  type SessionExchange,
  type SessionHeader,
} from './session-format.js';
import { describeRequest } from './session-request.js';
import {
  recordedContentOf,
  recordedErrorOf,
  recordedUsageOf,
  StreamedResponse,
} from './session-response.js';

export interface SessionRecorderSettings {
  file: string;
  provider: string;
  model: string;
  project?: string;
  ticket?: string;
  /** Values that must never reach the file (API keys, tokens); replaced by `[redacted]`. */
  secrets: Iterable<string | undefined>;
}

/**
 * `--record FILE`: writes every model exchange of the run to a JSON Lines file as it completes
 * (docs/recordings.md). It sits behind the model port as a middleware of each role's model, so
 * the loop does not know it is recorded. Headers are never kept and every string passes the
 * secret sanitizer.
 */
export class SessionRecorder {
  readonly #file: string;
  readonly #sanitizer: SecretSanitizer;
  #turn = 0;

  private constructor(file: string, sanitizer: SecretSanitizer) {
    this.#file = file;
    this.#sanitizer = sanitizer;
  }

  /** Creates (or truncates) the file and writes its header line. */
  static create(settings: SessionRecorderSettings): SessionRecorder {
    const sanitizer = new SecretSanitizer(settings.secrets);
    const header: SessionHeader = {
      type: 'header',
      format: SESSION_FORMAT,
      version: SESSION_FORMAT_VERSION,
      provider: settings.provider,
      model: settings.model,
      recordedAt: new Date().toISOString(),
      ...(settings.project !== undefined ? { project: settings.project } : {}),
      ...(settings.ticket !== undefined ? { ticket: settings.ticket } : {}),
    };
    const clean = sanitizer.sanitizeValue(header) as SessionHeader;
    writeFileSync(settings.file, `${formatSessionLine(clean)}\n`, { mode: 0o600 });
    return new SessionRecorder(settings.file, sanitizer);
  }

  /** Exchanges written so far. */
  get turns(): number {
    return this.#turn;
  }

  /** The middleware that records the calls of one role's model. */
  middleware(role: string, modelId: string): LanguageModelMiddleware {
    const clean = (text: string) => this.#sanitizer.sanitize(text);
    const base = (request: SessionExchange['request']) => ({ role, model: modelId, request });
    return {
      wrapGenerate: async ({ doGenerate, params }) => {
        const request = describeRequest(params, false, clean);
        try {
          const result = await doGenerate();
          this.#append({
            ...base(request),
            response: {
              content: recordedContentOf(result.content),
              finishReason: result.finishReason.unified,
              usage: recordedUsageOf(result.usage),
            },
          });
          return result;
        } catch (error) {
          if (!params.abortSignal?.aborted) {
            this.#append({ ...base(request), error: recordedErrorOf(error) });
          }
          throw error;
        }
      },
      wrapStream: async ({ doStream, params }) => {
        const request = describeRequest(params, true, clean);
        let result;
        try {
          result = await doStream();
        } catch (error) {
          if (!params.abortSignal?.aborted) {
            this.#append({ ...base(request), error: recordedErrorOf(error) });
          }
          throw error;
        }
        const response = new StreamedResponse();
        const append = (exchange: Omit<SessionExchange, 'type' | 'turn'>) => this.#append(exchange);
        const stream = result.stream.pipeThrough(
          new TransformStream({
            transform(part, controller) {
              response.add(part);
              controller.enqueue(part);
            },
            flush() {
              // A cancelled stream never flushes: only answers the run really received are kept.
              if (response.error !== undefined) {
                append({ ...base(request), error: recordedErrorOf(response.error) });
                return;
              }
              append({
                ...base(request),
                response: {
                  content: response.content,
                  finishReason: response.finishReason?.unified ?? 'other',
                  usage: recordedUsageOf(response.usage),
                },
              });
            },
          }),
        );
        return { ...result, stream };
      },
    };
  }

  #append(exchange: Omit<SessionExchange, 'type' | 'turn'>): void {
    this.#turn += 1;
    const entry = this.#sanitizer.sanitizeValue({
      type: 'exchange',
      turn: this.#turn,
      ...exchange,
    }) as SessionExchange;
    appendFileSync(this.#file, `${formatSessionLine(entry)}\n`);
  }
}
