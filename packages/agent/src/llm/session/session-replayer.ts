import { readFileSync } from 'node:fs';
import { AppError } from '@agentsmith/kit';
import type { LanguageModelMiddleware } from 'ai';
import {
  parseSessionRecording,
  SessionFileError,
  type RecordedInput,
  type SessionExchange,
  type SessionRecording,
} from './session-format.js';
import { describeRequest } from './session-request.js';
import { generateResultOf, replayedError, streamPartsOf } from './session-response.js';

/** The run asked the model something the recording does not have. */
export class ReplayDivergedError extends AppError {
  constructor(
    readonly turn: number,
    problem: string,
    file: string,
  ) {
    super(
      'llm_replay_diverged',
      `Replay diverged at turn ${turn} of ${file}: ${problem}. The recording no longer matches this run; record the session again.`,
      { retryable: false, details: { turn } },
    );
  }
}

/**
 * `--replay FILE`: answers every model call of the run from a recording, in order, without any
 * model or API key (docs/recordings.md). Each request is checked against the recorded one — the
 * model role, the tools offered and the shape of the tool results the run sends — and a run that
 * asks for something else, or for more turns than were recorded, fails at once with
 * {@link ReplayDivergedError} naming the turn.
 */
export class SessionReplayer {
  #next = 0;

  private constructor(
    readonly recording: SessionRecording,
    readonly file: string,
  ) {}

  /** Reads and checks the file; a bad file is a usage error naming the line. */
  static load(file: string): SessionReplayer {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new AppError(
        'usage_invalid_input',
        `--replay ${file}: cannot read the recording (${(error as Error).message}).`,
      );
    }
    try {
      return new SessionReplayer(parseSessionRecording(text, file), file);
    } catch (error) {
      if (error instanceof SessionFileError) {
        throw new AppError('usage_invalid_input', `--replay ${error.message}`);
      }
      throw error;
    }
  }

  /** Recorded exchanges not played yet. */
  get remaining(): number {
    return this.recording.exchanges.length - this.#next;
  }

  /** The middleware that answers one role's model calls; the real model is never called. */
  middleware(role: string, modelId: string): LanguageModelMiddleware {
    return {
      // `new Promise` turns a divergence into a rejection, as a failed model call would be.
      wrapGenerate: ({ params }) =>
        new Promise((resolve) => {
          const exchange = this.#take(
            role,
            modelId,
            describeRequest(params, false, (t) => t),
          );
          resolve(generateResultOf(exchange));
        }),
      wrapStream: ({ params }) =>
        new Promise((resolve) => {
          const exchange = this.#take(
            role,
            modelId,
            describeRequest(params, true, (t) => t),
          );
          const parts = streamPartsOf(exchange);
          resolve({
            stream: new ReadableStream({
              start(controller) {
                for (const part of parts) controller.enqueue(part);
                controller.close();
              },
            }),
          });
        }),
    };
  }

  #take(
    role: string,
    modelId: string,
    request: SessionExchange['request'],
  ): NonNullable<SessionExchange['response']> {
    const turn = this.#next + 1;
    const recorded = this.recording.exchanges[this.#next];
    const diverged = (problem: string) => new ReplayDivergedError(turn, problem, this.file);
    if (!recorded) {
      throw diverged(
        `the recording ends after ${this.recording.exchanges.length} turns, but the run asked the ${role} model (${modelId}) for another answer`,
      );
    }
    if (recorded.role !== role || recorded.model !== modelId) {
      throw diverged(
        `the run asked the ${role} model (${modelId}); the recording has a call to the ${recorded.role} model (${recorded.model})`,
      );
    }
    const tools = request.tools.join(', ') || 'no tools';
    const recordedTools = recorded.request.tools.join(', ') || 'no tools';
    if (tools !== recordedTools) {
      throw diverged(`the run offered ${tools}; the recording offered ${recordedTools}`);
    }
    const sent = shapeOf(request.input);
    const expected = shapeOf(recorded.request.input);
    if (sent !== expected) {
      throw diverged(
        `the run sent ${sent || 'nothing new'}; the recording has ${expected || 'nothing new'}`,
      );
    }
    this.#next += 1;
    if (recorded.error) throw replayedError(recorded.error);
    if (!recorded.response) throw diverged('the recorded exchange has neither response nor error');
    return recorded.response;
  }
}

/** What must match between a run and its recording: the kind of each input, tool and outcome. */
function shapeOf(input: RecordedInput[]): string {
  return input
    .map((item) =>
      item.type === 'text' ? 'a message' : `${item.toolName} result (${item.outputType})`,
    )
    .join(', ');
}
