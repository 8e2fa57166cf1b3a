import {
  conversationKey,
  encodeBusEntryArgs,
  jobIndexKey,
  jobInStreamKey,
  jobOutStreamKey,
  type OutboundEntry,
} from '@agentsmith/contracts';
import { createLogger, silentLogger } from '@agentsmith/kit';
import type { Tracker } from '@agentsmith/providers';
import {
  FakeSlackApi,
  redisTestContext,
  signSlackRequest,
  slackInteractionBody,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { randomBytes } from 'node:crypto';
import { loadDispatcherConfig } from '../../src/config/dispatcher-config.js';
import {
  startDispatcher,
  type DispatcherDependencies,
  type RunningDispatcher,
} from '../../src/dispatcher.js';
import type { ProjectCatalog } from '../../src/jobs/project-catalog.js';
import { FakeJobSpawner } from '../../src/spawners/fake-job-spawner.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const PROJECTS = ['agent-smith-test', 'api-v2'];

/** A catalog of fixed projects whose trackers are in memory. */
export function fakeCatalog(tracker?: Tracker): ProjectCatalog {
  return {
    projects: () => Promise.resolve({ names: PROJECTS }),
    tracker: () =>
      tracker ? Promise.resolve(tracker) : Promise.reject(new Error('no tracker in this test')),
  };
}

export function uniqueChannel(): string {
  return `C${randomBytes(5).toString('hex').toUpperCase()}`;
}

export interface HarnessOptions {
  instanceId?: string;
  spawner?: FakeJobSpawner;
  slack?: FakeSlackApi;
  redis?: RedisTestContext;
  redisUrl?: string;
  keyPrefix?: string;
  dependencies?: Partial<DispatcherDependencies>;
}

/** One in-process dispatcher on real Redis and the fake Slack API, driven by signed HTTP requests. */
export class DispatcherHarness {
  dispatcher!: RunningDispatcher;

  private constructor(
    readonly redis: RedisTestContext,
    readonly slack: FakeSlackApi,
    readonly spawner: FakeJobSpawner,
    private readonly owns: { redis: boolean; slack: boolean },
  ) {}

  static async start(options: HarnessOptions = {}): Promise<DispatcherHarness> {
    const redis = options.redis ?? (await redisTestContext());
    const slack = options.slack ?? (await new FakeSlackApi().start());
    const harness = new DispatcherHarness(redis, slack, options.spawner ?? new FakeJobSpawner(), {
      redis: !options.redis,
      slack: !options.slack,
    });
    const config = loadDispatcherConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: options.redisUrl ?? redis.url,
      PORT: '0',
      SPAWNER_TYPE: 'docker',
      DISPATCHER_INSTANCE_ID: options.instanceId ?? `replica-${randomBytes(3).toString('hex')}`,
      JOB_MAX_DURATION: '10m',
      CANCEL_GRACE_SECONDS: '0',
    });
    harness.dispatcher = await startDispatcher(config, {
      logger: process.env['DISPATCHER_TEST_LOG']
        ? createLogger({ name: 'dispatcher-test', level: 'debug' })
        : silentLogger(),
      spawner: harness.spawner,
      projects: fakeCatalog(),
      keyPrefix: options.keyPrefix ?? redis.prefix,
      host: '127.0.0.1',
      unhandledRequestTimeoutMs: 200,
      supervise: false,
      relay: { minIntervalMs: 0, leaseMs: 3_000 },
      ...options.dependencies,
    });
    return harness;
  }

  get url(): string {
    return this.dispatcher.url;
  }

  /** POSTs a signed body (JSON unless form) to a Slack endpoint. */
  async post(
    path: string,
    body: string,
    options: {
      timestamp?: number;
      contentType?: string;
      secret?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const signed = signSlackRequest(options.secret ?? SIGNING_SECRET, body, options);
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { ...signed.headers, ...options.headers },
      body,
    });
  }

  /** Sends an Events API callback; returns the HTTP status. */
  async event(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number } = {},
  ): Promise<number> {
    const body = JSON.stringify({
      token: 'x',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${randomBytes(5).toString('hex')}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    const headers: Record<string, string> = options.retryNum
      ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
      : {};
    const response = await this.post('/slack/events', body, { headers });
    await response.text();
    return response.status;
  }

  /** A person's message in a channel. */
  message(channel: string, text: string, extra: Record<string, unknown> = {}): Promise<number> {
    return this.event({
      type: 'message',
      channel,
      user: 'UHUMAN',
      text,
      ts: nextTs(),
      channel_type: 'channel',
      ...extra,
    });
  }

  /** A block_actions click on `actionId` with `value` in `blockId`. */
  async click(
    channel: string,
    action: {
      actionId: string;
      blockId?: string;
      value: string;
      messageTs: string;
      threadTs?: string;
    },
    userId = 'UHUMAN',
  ): Promise<number> {
    const payload = {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: userId },
      api_app_id: 'A1',
      channel: { id: channel },
      container: { type: 'message', message_ts: action.messageTs, channel_id: channel },
      message: { ts: action.messageTs, ...(action.threadTs ? { thread_ts: action.threadTs } : {}) },
      actions: [
        {
          type: 'button',
          action_id: action.actionId,
          block_id: action.blockId ?? 'b',
          value: action.value,
          action_ts: nextTs(),
        },
      ],
    };
    const response = await this.post('/slack/interact', slackInteractionBody(payload), {
      contentType: 'application/x-www-form-urlencoded',
    });
    await response.text();
    return response.status;
  }

  /** Writes entries to `job:<id>:out` as the agent would. */
  async agentWrites(...entries: OutboundEntry[]): Promise<void> {
    for (const entry of entries)
      await this.redis.redis.xadd(jobOutStreamKey(entry.jobId), '*', ...encodeBusEntryArgs(entry));
  }

  /** Deletes the wire keys of jobs and channels this test used. */
  trackJob(jobId: string, channel: string): void {
    this.redis.track(
      jobOutStreamKey(jobId),
      jobInStreamKey(jobId),
      jobIndexKey(jobId),
      conversationKey('slack', channel),
    );
  }

  async stop(): Promise<void> {
    await this.dispatcher.close(1_000);
    if (this.owns.slack) await this.slack.stop();
    if (this.owns.redis) {
      for (const spec of this.spawner.attempted) this.trackJob(spec.jobId, spec.channelId);
      await this.redis.cleanup();
    }
  }
}

let tsSeq = 0;
/** A unique Slack-style message ts. */
export function nextTs(): string {
  tsSeq += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsSeq).padStart(6, '0')}`;
}

/** Resolves when `check` returns true (for conditions that depend on other processes). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
