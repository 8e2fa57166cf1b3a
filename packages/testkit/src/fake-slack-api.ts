import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { blockKitProblems, MESSAGE_TEXT_LIMIT } from './block-kit-validator.js';
import { FakeServer, type RecordedRequest } from './fake-server.js';
import { FakeSlackOpenId } from './fake-slack-openid.js';

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

/** A person as `users.info` describes them (the fields the dispatcher reads, Slack's names). */
export interface FakeSlackUser {
  id: string;
  team_id?: string;
  name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  /** Multi-channel guest. */
  is_restricted?: boolean;
  /** Single-channel guest. */
  is_ultra_restricted?: boolean;
  /** Someone from an organisation not connected to this one (Slack Connect). */
  is_stranger?: boolean;
}

export interface FakeSlackApiOptions {
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /**
   * The bot token auth.test accepts; others get `invalid_auth`, as Slack answers a revoked or
   * mistyped token. Unset: any token.
   */
  botToken?: string;
  /** The app-level token `apps.connections.open` accepts (Socket Mode); unset: any token. */
  appToken?: string;
  /** The bot token's scopes, sent in auth.test's `x-oauth-scopes` header as Slack does. */
  scopes?: string[];
}

/** The token of a Web API call: the `Authorization: Bearer` header, else the `token` argument. */
function tokenOf(request: RecordedRequest): string {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return text(argsOf(request)['token']);
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
 * `users.info`, `usergroups.users.list`, `apps.connections.open`) on a
 * {@link FakeServer}. Point the real client at it with `SLACK_API_URL=<url>/api/`. It answers
 * `ok: true` with increasing `ts` values, records a transcript, and can answer the next calls with
 * a 429 + `Retry-After` or an `ok: false` error. Like Slack, it refuses a chat message that breaks
 * a Block Kit rule or limit with `invalid_blocks` (or `msg_too_long`): see {@link blockKitProblems}.
 */
export class FakeSlackApi {
  readonly server = new FakeServer('slack');
  readonly calls: SlackCall[] = [];
  readonly botUserId: string;
  readonly botId: string;
  /** The workspace the app is installed in (`auth.test`'s `team_id`). */
  readonly teamId: string;
  /**
   * People `users.info` knows besides the default: anyone not added here is a full member of
   * {@link teamId}, so tests that do not care about people need not list them.
   */
  readonly users = new Map<string, FakeSlackUser>();
  /** User groups (`S…`) and their members, for `usergroups.users.list`. */
  readonly usergroups = new Map<string, string[]>();
  /** Sign in with Slack (OpenID Connect): the registered client and who signs in. */
  readonly openId: FakeSlackOpenId;
  /** WebSocket URL `apps.connections.open` hands out (Socket Mode); set it to a FakeSocketModeServer's url. */
  socketModeUrl = '';
  #ts = 1_700_000_000;
  #seq = 0;
  #journal: string | undefined;
  readonly #failures: Array<{
    method: string | undefined;
    status: number;
    retryAfterSeconds?: number;
    error?: string;
  }> = [];
  readonly #delays: Array<{ method: string | undefined; ms: number }> = [];
  /**
   * Called with each accepted chat call the moment it is recorded, before the caller has its
   * answer (a test can act exactly when a message becomes visible). When it returns a promise,
   * the answer is held until it settles: the message is visible, its sender does not know yet.
   */
  onCall: ((call: SlackCall) => void | Promise<void>) | undefined;
  #hold: Promise<void> | undefined;
  #outage: { until: number; status: number } | undefined;
  /** Calls the fake answered with a queued failure (429, 5xx, `ok: false`), in order. */
  readonly refusals: Array<{ method: string; status: number; at: number }> = [];
  /**
   * Chat calls refused as Slack refuses them (`invalid_blocks`, `msg_too_long`) because the
   * payload broke a Block Kit rule or limit, with the problems found.
   */
  readonly invalid: Array<{ method: string; error: string; problems: string[] }> = [];

  constructor(options: FakeSlackApiOptions = {}) {
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    const teamId = options.teamId ?? 'T1';
    this.teamId = teamId;
    const headers: Record<string, string> = options.scopes
      ? { 'x-oauth-scopes': options.scopes.join(',') }
      : {};
    this.server.on(
      'POST',
      '/api/auth.test',
      (request) =>
        this.#refusal('auth.test', true) ??
        (options.botToken !== undefined && tokenOf(request) !== options.botToken
          ? { body: { ok: false, error: 'invalid_auth' } }
          : undefined) ?? {
          headers,
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
    this.server.on('POST', '/api/users.info', (request) => {
      const userId = text(argsOf(request)['user']);
      const refusal = this.#refusal('users.info', true);
      if (refusal) return refusal;
      if (!/^[UW][A-Z0-9]+$/.test(userId)) return { body: { ok: false, error: 'user_not_found' } };
      const user = {
        id: userId,
        team_id: teamId,
        name: userId.toLowerCase(),
        ...this.users.get(userId),
      };
      return {
        body: {
          ok: true,
          user: {
            deleted: false,
            is_admin: false,
            is_owner: false,
            is_primary_owner: false,
            is_restricted: false,
            is_ultra_restricted: false,
            is_bot: false,
            is_app_user: false,
            updated: 1_700_000_000,
            profile: { real_name: user.name, display_name: user.name, team: user.team_id },
            ...user,
          },
        },
      };
    });
    this.server.on('POST', '/api/usergroups.users.list', (request) => {
      const refusal = this.#refusal('usergroups.users.list', true);
      if (refusal) return refusal;
      const members = this.usergroups.get(text(argsOf(request)['usergroup']));
      return members
        ? { body: { ok: true, users: members } }
        : { body: { ok: false, error: 'no_such_subteam' } };
    });
    this.server.on(
      'POST',
      '/api/apps.connections.open',
      (request) =>
        this.#refusal('apps.connections.open', true) ??
        (options.appToken !== undefined && tokenOf(request) !== options.appToken
          ? { body: { ok: false, error: 'invalid_auth' } }
          : undefined) ??
        (this.socketModeUrl
          ? { body: { ok: true, url: this.socketModeUrl } }
          : { body: { ok: false, error: 'socket_mode_not_configured' } }),
    );
    this.server.on('POST', '/api/chat.postMessage', (request) =>
      this.#held('chat.postMessage', request),
    );
    this.server.on('POST', '/api/chat.update', (request) => this.#held('chat.update', request));
    this.openId = new FakeSlackOpenId(this.server);
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
    const answer = this.#answer(method, request);
    const hold = this.#hold;
    this.#hold = undefined;
    if (hold) await hold.catch(() => undefined);
    return answer;
  }

  /**
   * Keeps the transcript in `path` (one JSON call a line) and takes up what an earlier run of the
   * fake left there: a fake restarted with its container (the chaos suite restarts the Docker
   * daemon) still knows every call, as Slack would. New `ts` values then start from the current
   * time, so they never repeat one the earlier run handed out.
   */
  journalTo(path: string): this {
    const earlier = existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as SlackCall)
      : [];
    this.calls.push(...earlier);
    if (earlier.length > 0) this.#ts = Math.floor(Date.now() / 1000);
    this.#journal = path;
    return this;
  }

  #record(call: SlackCall): void {
    this.calls.push(call);
    if (this.#journal) appendFileSync(this.#journal, `${JSON.stringify(call)}\n`);
    const hold = this.onCall?.(call);
    if (hold) this.#hold = hold;
  }

  #answer(method: string, request: RecordedRequest) {
    const refusal = this.#refusal(method, false);
    if (refusal) return refusal;
    const args = argsOf(request);
    const problems = blockKitProblems(args);
    if (problems.length > 0) {
      const text = args['text'];
      const error =
        typeof text === 'string' && text.length > MESSAGE_TEXT_LIMIT
          ? 'msg_too_long'
          : 'invalid_blocks';
      this.invalid.push({ method, error, problems });
      return {
        body: { ok: false, error, errors: problems, response_metadata: { messages: problems } },
      };
    }
    if (method === 'chat.update') {
      const ts = text(args['ts']);
      this.#record({ method, args, ts, at: Date.now() });
      return { body: { ok: true, channel: args['channel'], ts, text: args['text'] } };
    }
    this.#seq += 1;
    const ts = `${this.#ts + this.#seq}.${String(this.#seq).padStart(6, '0')}`;
    this.#record({ method, args, ts, at: Date.now() });
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
