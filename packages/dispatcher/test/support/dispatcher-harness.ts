import {
  conversationKey,
  encodeBusEntryArgs,
  jobIndexKey,
  jobInStreamKey,
  jobOutStreamKey,
  type JobSpec,
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
  type SlackCall,
} from '@agentsmith/testkit';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { loadDispatcherConfig, type DispatcherConfig } from '../../src/config/dispatcher-config.js';
import {
  startDispatcher,
  type DispatcherDependencies,
  type RunningDispatcher,
} from '../../src/dispatcher.js';
import type { ProjectCatalog } from '../../src/jobs/project-catalog.js';
import type { JobSpawner } from '../../src/spawners/job-spawner.js';
import { FakeJobSpawner } from './fake-job-spawner.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const PROJECTS = ['agent-smith-test', 'api-v2'];

/** A catalog of fixed projects whose trackers are in memory. */
export function fakeCatalog(tracker?: Tracker, names: string[] = PROJECTS): ProjectCatalog {
  return {
    projects: () => Promise.resolve({ names }),
    tracker: () =>
      tracker ? Promise.resolve(tracker) : Promise.reject(new Error('no tracker in this test')),
  };
}

export function uniqueChannel(): string {
  return `C${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** A Slack call's `text` argument ('' when absent). */
export function textOf(call: SlackCall | undefined): string {
  const text = call?.args['text'];
  return typeof text === 'string' ? text : '';
}

export interface HarnessOptions<S extends JobSpawner> {
  /** The dispatcher's environment on top of the harness's (Slack at the fake, Redis, port 0). */
  env?: Record<string, string>;
  /** The spawner, or how to build it from the configuration; default a {@link FakeJobSpawner}. */
  spawner?: S | ((config: DispatcherConfig) => S | Promise<S>);
  /** Shared with other harnesses (e.g. two replicas); the harness then leaves it running. */
  slack?: FakeSlackApi;
  /** Shared Redis context; the harness then leaves its cleanup to the owner. */
  redis?: RedisTestContext;
  instanceId?: string;
  keyPrefix?: string;
  dependencies?: Partial<DispatcherDependencies>;
}

/**
 * One in-process dispatcher on real Redis and the fake Slack API, driven by signed HTTP requests
 * (or Socket Mode, with `SLACK_APP_TOKEN` in `env`). Every integration test of the dispatcher
 * starts it through here; `stop` removes the wire keys of every job it spawned and fails the test
 * when the fake Slack received a request it does not know.
 */
export class DispatcherHarness<S extends JobSpawner = FakeJobSpawner> {
  private constructor(
    /** Every spec the dispatcher asked the spawner to start, including refused ones. */
    readonly attempted: readonly JobSpec[],
    readonly dispatcher: RunningDispatcher,
    readonly config: DispatcherConfig,
    readonly redis: RedisTestContext,
    readonly slack: FakeSlackApi,
    readonly spawner: S,
    private readonly owns: { redis: boolean; slack: boolean },
  ) {}

  static start(options?: HarnessOptions<FakeJobSpawner>): Promise<DispatcherHarness>;
  static start<S extends JobSpawner>(
    options: HarnessOptions<S> & { spawner: NonNullable<HarnessOptions<S>['spawner']> },
  ): Promise<DispatcherHarness<S>>;
  static async start(
    options: HarnessOptions<JobSpawner> = {},
  ): Promise<DispatcherHarness<JobSpawner>> {
    const redis = options.redis ?? (await redisTestContext());
    const slack = options.slack ?? (await new FakeSlackApi().start());
    const config = loadDispatcherConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      REDIS_URL: redis.url,
      PORT: '0',
      OPS_PORT: '0',
      SPAWNER_TYPE: 'docker',
      DISPATCHER_INSTANCE_ID: options.instanceId ?? `replica-${randomBytes(3).toString('hex')}`,
      JOB_MAX_DURATION: '10m',
      CANCEL_GRACE_SECONDS: '0',
      ...options.env,
    });
    const chosen = options.spawner ?? new FakeJobSpawner();
    const spawner = typeof chosen === 'function' ? await chosen(config) : chosen;
    const attempted: JobSpec[] = [];
    const dispatcher = await startDispatcher(config, {
      logger: process.env['DISPATCHER_TEST_LOG']
        ? createLogger({ name: 'dispatcher-test', level: 'debug' })
        : silentLogger(),
      spawner: recordingSpawns(spawner, attempted),
      projects: fakeCatalog(),
      keyPrefix: options.keyPrefix ?? redis.prefix,
      host: '127.0.0.1',
      unhandledRequestTimeoutMs: 200,
      supervise: false,
      relay: { minIntervalMs: 0, leaseMs: 3_000 },
      ...options.dependencies,
    });
    return new DispatcherHarness(attempted, dispatcher, config, redis, slack, spawner, {
      redis: !options.redis,
      slack: !options.slack,
    });
  }

  get url(): string {
    return this.dispatcher.url;
  }

  /** The texts the bot posted (and edited, unless `method` says which) in `channel`, in order. */
  textsIn(channel: string, method?: 'chat.postMessage' | 'chat.update'): string[] {
    return this.slack.calls
      .filter((call) => call.args['channel'] === channel && (!method || call.method === method))
      .map(textOf);
  }

  /** Says `text` (a fix) in `channel` and waits for the spawn it asks for; returns the job id. */
  async startJob(channel: string, text = 'fix #58 in agent-smith-test'): Promise<string> {
    const inChannel = () => this.attempted.filter((spec) => spec.channelId === channel);
    const before = inChannel().length;
    expect(await this.message(channel, text)).toBe(200);
    await expect
      .poll(() => inChannel().length, { message: `the spawn for "${text}"` })
      .toBe(before + 1);
    return inChannel()[before]?.jobId ?? '';
  }

  /** The id of the job started in `channel` ('' while none was). */
  jobIn(channel: string): string {
    return this.attempted.find((spec) => spec.channelId === channel)?.jobId ?? '';
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
    options: { eventId?: string; retryNum?: number; timestamp?: number } = {},
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
    const response = await this.post('/slack/events', body, {
      headers,
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
    });
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

  /**
   * Stops the dispatcher, then what the harness owns. Throws (failing the test) when the fake
   * Slack received a request it has no route for.
   */
  async stop(): Promise<void> {
    await this.dispatcher.close(1_000);
    for (const spec of this.attempted) this.trackJob(spec.jobId, spec.channelId);
    if (this.owns.redis) await this.redis.cleanup();
    if (this.owns.slack) await this.slack.stop();
  }
}

/** The spawner, recording every spec it is asked to start in `attempted` (once announced). */
function recordingSpawns(spawner: JobSpawner, attempted: JobSpec[]): JobSpawner {
  return {
    get type() {
      return spawner.type;
    },
    spawn: (spec, signal, environment, beforeStart) => {
      // Recorded once the job is announced and tracked (or that failed), as `startJob` promises.
      const record = () => void attempted.push(spec);
      if (beforeStart) beforeStart.then(record, record);
      else record();
      return spawner.spawn(spec, signal, environment, beforeStart);
    },
    stop: (jobId, options) => spawner.stop(jobId, options),
    waitForExit: (jobId, signal) => spawner.waitForExit(jobId, signal),
    listJobs: () => spawner.listJobs(),
    remove: (jobId) => spawner.remove(jobId),
    checkReadiness: () => spawner.checkReadiness(),
  };
}

let tsSeq = 0;
/** A unique Slack-style message ts. */
export function nextTs(): string {
  tsSeq += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsSeq).padStart(6, '0')}`;
}
