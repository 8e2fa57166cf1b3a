import { FakeServer, type RecordedRequest } from './fake-server.js';

/** One Web API call the fake accepted, in arrival order. */
export interface SlackCall {
  method: string;
  /** The call's arguments (JSON body or form fields; `blocks` parsed when sent as a string). */
  args: Record<string, unknown>;
  /** The `ts` the fake answered with (postMessage) or that was updated (update). */
  ts?: string;
  /** When the fake accepted the call (epoch ms). */
  at: number;
}

export interface FakeSlackApiOptions {
  botUserId?: string;
  botId?: string;
  teamId?: string;
}

/** A string argument, or '' when absent or not a string. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function argsOf(request: RecordedRequest): Record<string, unknown> {
  const args = { ...((request.json as Record<string, unknown> | undefined) ?? {}) };
  for (const name of ['blocks', 'attachments']) {
    const value = args[name];
    if (typeof value === 'string') {
      try {
        args[name] = JSON.parse(value) as unknown;
      } catch {
        // keep the raw string
      }
    }
  }
  return args;
}

/**
 * A fake Slack Web API (`chat.postMessage`, `chat.update`, `auth.test`, `conversations.info`,
 * `apps.connections.open`) on a
 * {@link FakeServer}. Point the real client at it with `SLACK_API_URL=<url>/api/`. It answers
 * `ok: true` with increasing `ts` values, records a transcript, and can answer the next calls with
 * a 429 + `Retry-After` or an `ok: false` error.
 */
export class FakeSlackApi {
  readonly server = new FakeServer('slack');
  readonly calls: SlackCall[] = [];
  readonly botUserId: string;
  readonly botId: string;
  /** WebSocket URL `apps.connections.open` hands out (Socket Mode); set it to a FakeSocketModeServer's url. */
  socketModeUrl = '';
  #ts = 1_700_000_000;
  #seq = 0;
  readonly #failures: Array<{
    method: string | undefined;
    status: number;
    retryAfterSeconds?: number;
    error?: string;
  }> = [];
  readonly #delays: Array<{ method: string | undefined; ms: number }> = [];
  #outage: { until: number; status: number } | undefined;
  /** Calls the fake answered with a queued failure (429, 5xx, `ok: false`), in order. */
  readonly refusals: Array<{ method: string; status: number; at: number }> = [];

  constructor(options: FakeSlackApiOptions = {}) {
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    const teamId = options.teamId ?? 'T1';
    this.server.on(
      'POST',
      '/api/auth.test',
      () =>
        this.#refusal('auth.test', true) ?? {
          body: {
            ok: true,
            url: 'https://fake.slack.com/',
            team: 'fake',
            user: 'agentsmith',
            team_id: teamId,
            user_id: this.botUserId,
            bot_id: this.botId,
          },
        },
    );
    this.server.on('POST', '/api/conversations.info', (request) => ({
      body: {
        ok: true,
        channel: { id: argsOf(request)['channel'], name: 'fake-channel', is_member: true },
      },
    }));
    this.server.on(
      'POST',
      '/api/apps.connections.open',
      () =>
        this.#refusal('apps.connections.open', true) ??
        (this.socketModeUrl
          ? { body: { ok: true, url: this.socketModeUrl } }
          : { body: { ok: false, error: 'socket_mode_not_configured' } }),
    );
    this.server.on('POST', '/api/chat.postMessage', (request) =>
      this.#held('chat.postMessage', request),
    );
    this.server.on('POST', '/api/chat.update', (request) => this.#held('chat.update', request));
  }

  /** Web API base URL for `SLACK_API_URL` (ends in `/api/`). */
  get apiUrl(): string {
    return `${this.server.url}/api/`;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The next `times` calls (of `method`, or any chat call) get HTTP 429 with `Retry-After`. */
  rateLimitNext(retryAfterSeconds = 1, times = 1, method?: string): void {
    for (let index = 0; index < times; index += 1)
      this.#failures.push({ method, status: 429, retryAfterSeconds });
  }

  /** The next `times` calls (of `method`, or any chat call) answer `ok: false` with `error`. */
  failNext(error = 'channel_not_found', times = 1, method?: string): void {
    for (let index = 0; index < times; index += 1)
      this.#failures.push({ method, status: 200, error });
  }

  /** The next `times` calls answer HTTP `status` (e.g. 503). */
  failNextWithStatus(status: number, times = 1, method?: string): void {
    for (let index = 0; index < times; index += 1) this.#failures.push({ method, status });
  }

  /**
   * The next `times` calls (of `method`, or any chat call) are held for `ms` before they are
   * answered and recorded, as a slow Slack would (the request is in `server.requests` at once).
   */
  delayNext(ms: number, times = 1, method?: string): void {
    for (let index = 0; index < times; index += 1) this.#delays.push({ method, ms });
  }

  /**
   * For the next `ms`, every chat call is refused with `status` (429 with `Retry-After: 1`, or a
   * 5xx), as a Slack outage would be; calls are recorded only once it is over.
   */
  outage(ms: number, status = 503): void {
    this.#outage = { until: Date.now() + ms, status };
  }

  /** Drops every failure queued with rateLimitNext/failNext/failNextWithStatus. */
  clearFailures(): void {
    this.#failures.length = 0;
    this.#delays.length = 0;
  }

  /** Accepted calls of `method`, in order. */
  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Every accepted chat call as `method text` lines (a readable transcript). */
  transcript(): string[] {
    return this.calls.map((call) => `${call.method} ${text(call.args['text'])}`);
  }

  async #held(method: string, request: RecordedRequest) {
    const index = this.#delays.findIndex(
      (delay) => delay.method === undefined || delay.method === method,
    );
    if (index >= 0) {
      const [delay] = this.#delays.splice(index, 1);
      await new Promise((resolve) => setTimeout(resolve, delay?.ms ?? 0));
    }
    return this.#answer(method, request);
  }

  #answer(method: string, request: RecordedRequest) {
    const refusal = this.#refusal(method, false);
    if (refusal) return refusal;
    const args = argsOf(request);
    if (method === 'chat.update') {
      const ts = text(args['ts']);
      this.calls.push({ method, args, ts, at: Date.now() });
      return { body: { ok: true, channel: args['channel'], ts, text: args['text'] } };
    }
    this.#seq += 1;
    const ts = `${this.#ts + this.#seq}.${String(this.#seq).padStart(6, '0')}`;
    this.calls.push({ method, args, ts, at: Date.now() });
    return {
      body: { ok: true, channel: args['channel'], ts, message: { ts, text: args['text'] } },
    };
  }

  /**
   * Answers with the first queued failure for `method`, or undefined. Failures queued without a
   * method apply to chat calls only, never to auth.test or apps.connections.open (`exactOnly`).
   */
  #refusal(method: string, exactOnly: boolean) {
    if (!exactOnly && this.#outage && Date.now() < this.#outage.until) {
      const { status } = this.#outage;
      this.refusals.push({ method, status, at: Date.now() });
      return status === 429
        ? {
            status,
            headers: { 'retry-after': '1' },
            body: { ok: false, error: 'ratelimited' },
          }
        : { status, body: { ok: false, error: 'service_unavailable' } };
    }
    const failureIndex = this.#failures.findIndex(
      (failure) => failure.method === method || (!exactOnly && failure.method === undefined),
    );
    if (failureIndex >= 0) {
      const [failure] = this.#failures.splice(failureIndex, 1);
      this.refusals.push({ method, status: failure?.status ?? 200, at: Date.now() });
      if (failure?.status === 429) {
        return {
          status: 429,
          headers: { 'retry-after': String(failure.retryAfterSeconds ?? 1) },
          body: { ok: false, error: 'ratelimited' },
        };
      }
      if (failure && failure.status !== 200)
        return { status: failure.status, body: { ok: false, error: 'service_unavailable' } };
      return { body: { ok: false, error: failure?.error ?? 'unknown_error' } };
    }
    return undefined;
  }
}
