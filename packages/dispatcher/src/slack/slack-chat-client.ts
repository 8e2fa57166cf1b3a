import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

/** The two Web API methods the relay calls for every job, many times a second under load. */
export type ChatMethod = 'chat.postMessage' | 'chat.update';

/** Why a call failed: what Slack answered, or that no answer came. */
export type SlackCallFailure =
  /** HTTP 200 with `ok: false`: Slack's verdict, never retried here. */
  | { kind: 'platform'; error: string }
  /** Still rate limited after the retries; `retryAfterMs` from the last `Retry-After`. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** Another HTTP status (Slack answers 200 and 429 only): an outage or a proxy; 5xx retried. */
  | { kind: 'http'; status: number }
  /** No answer: connection refused or reset, timeout, a body that is not JSON or too large. */
  | { kind: 'request'; message: string };

export class SlackCallError extends Error {
  constructor(
    readonly method: ChatMethod,
    readonly failure: SlackCallFailure,
    options?: { cause?: unknown },
  ) {
    super(`Slack ${method} failed: ${describe(failure)}`, options);
    this.name = 'SlackCallError';
  }
}

function describe(failure: SlackCallFailure): string {
  switch (failure.kind) {
    case 'platform':
      return failure.error;
    case 'rate_limited':
      return `rate limited (retry after ${failure.retryAfterMs} ms)`;
    case 'http':
      return `HTTP ${failure.status}`;
    case 'request':
      return failure.message;
  }
}

export interface SlackChatClientOptions {
  token: string;
  /** The Web API's base, ending in `/` (`SLACK_API_URL`); Slack's own by default. */
  apiUrl?: string;
  /** Further attempts after a failure that may pass: no answer, HTTP 5xx, 429. */
  retries?: number;
  /** The first wait before another attempt; it doubles up to {@link maxRetryDelayMs}. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** One attempt's limit, from sending to the last byte of the answer. */
  timeoutMs?: number;
}

/** Slack's answers to chat calls echo the message: a few KiB; anything far larger is not Slack. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const DEFAULT_API_URL = 'https://slack.com/api/';
/** Calls beyond this wait for a free connection (as many as @slack/web-api allowed at once). */
const MAX_CONNECTIONS = 100;
/** A longer `Retry-After` is not Slack's: waiting it out would stall the relay for good. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

type Attempt =
  | { done: true; answer: Record<string, unknown> }
  | { done: false; failure: SlackCallFailure; cause?: unknown };

/**
 * A small client for `chat.postMessage` and `chat.update`, the calls the relay makes per job
 * entry. `@slack/web-api` (kept for Bolt and the directory's calls) serialises and redacts every
 * request for its debug log and goes through fetch, a queue and a retry library: about 0.4 ms of
 * CPU a call, most of the relay's own work per entry (docs/benchmarks.md, rows 4 to 6). This
 * one sends JSON with the bot token in the `Authorization` header over kept-alive connections, and
 * keeps the behaviour the relay relies on: a 429 is waited out as `Retry-After` says (and holds
 * back the method's other calls meanwhile, as Slack's limits are per method), other failures
 * without an answer are tried again with a doubling delay, and `ok: false` is Slack's final word.
 */
export class SlackChatClient {
  readonly #token: string;
  readonly #base: URL;
  readonly #retries: number;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #agent: HttpAgent;
  readonly #pausedUntil = new Map<ChatMethod, number>();

  constructor(options: SlackChatClientOptions) {
    this.#token = options.token;
    this.#base = new URL(options.apiUrl ?? DEFAULT_API_URL);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') {
      throw new Error(`SLACK_API_URL must be an http(s) URL, not ${this.#base.protocol}`);
    }
    this.#retries = options.retries ?? 3;
    this.#minDelayMs = options.minRetryDelayMs ?? 250;
    this.#maxDelayMs = options.maxRetryDelayMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#agent =
      this.#base.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS })
        : new HttpAgent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
  }

  /** Calls `method`; resolves with Slack's answer when it says `ok: true`. */
  async call(method: ChatMethod, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const body = JSON.stringify(args);
    let delayMs = this.#minDelayMs;
    for (let attempt = 0; ; attempt += 1) {
      await this.#waitOutRateLimit(method);
      const result = await this.#attempt(method, body);
      if (result.done) return result.answer;
      const { failure } = result;
      // Recorded before giving up too: the method's other calls must wait, whatever this one does.
      if (failure.kind === 'rate_limited') {
        this.#pausedUntil.set(
          method,
          Math.max(this.#pausedUntil.get(method) ?? 0, Date.now() + failure.retryAfterMs),
        );
      }
      if (!mayPassLater(failure) || attempt >= this.#retries) {
        throw new SlackCallError(method, failure, { cause: result.cause });
      }
      if (failure.kind !== 'rate_limited') {
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, this.#maxDelayMs);
      }
    }
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  async #waitOutRateLimit(method: ChatMethod): Promise<void> {
    for (;;) {
      const waitMs = (this.#pausedUntil.get(method) ?? 0) - Date.now();
      if (waitMs <= 0) return;
      await sleep(waitMs);
    }
  }

  #attempt(method: ChatMethod, body: string): Promise<Attempt> {
    const url = new URL(method, this.#base);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const failed = (message: string, cause?: unknown) =>
        resolve({ done: false, failure: { kind: 'request', message }, cause });
      const request = send(
        url,
        {
          method: 'POST',
          agent: this.#agent,
          timeout: this.#timeoutMs,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${this.#token}`,
          },
        },
        (response) => {
          readAnswer(response).then(
            (text) => resolve(verdict(response, text)),
            (error: unknown) => failed(messageOf(error), error),
          );
        },
      );
      // The socket's idle timeout covers connecting and waiting for the answer; the whole
      // attempt is bounded as well, for an answer that trickles in.
      const deadline = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
      deadline.unref();
      request.on('timeout', () =>
        request.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)),
      );
      request.on('error', (error) => failed(messageOf(error), error));
      request.on('close', () => clearTimeout(deadline));
      request.end(body);
    });
  }
}

function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        response.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new Error('the answer was cut off'));
    });
  });
}

function verdict(response: IncomingMessage, text: string): Attempt {
  const status = response.statusCode ?? 0;
  if (status === 429) {
    const seconds = Number(response.headers['retry-after']);
    // Slack always sends Retry-After with a 429; without one, wait a second rather than hammer.
    const retryAfterMs =
      Number.isFinite(seconds) && seconds >= 0
        ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS)
        : 1_000;
    return { done: false, failure: { kind: 'rate_limited', retryAfterMs } };
  }
  if (status !== 200) return { done: false, failure: { kind: 'http', status } };
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    return {
      done: false,
      failure: { kind: 'request', message: 'the answer is not JSON' },
      cause: error,
    };
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return {
      done: false,
      failure: { kind: 'request', message: 'the answer is not a JSON object' },
    };
  }
  const record = answer as Record<string, unknown>;
  if (record['ok'] === true) return { done: true, answer: record };
  const error = typeof record['error'] === 'string' ? record['error'] : 'unknown_error';
  return { done: false, failure: { kind: 'platform', error } };
}

/**
 * Whether a later attempt may succeed: after no answer, an outage (5xx, 408) or a rate limit;
 * not after Slack's `ok: false` or another HTTP status (a proxy refusing refuses again).
 */
export function mayPassLater(failure: SlackCallFailure): boolean {
  if (failure.kind === 'platform') return false;
  return failure.kind !== 'http' || failure.status >= 500 || failure.status === 408;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
