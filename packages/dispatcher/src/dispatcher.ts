import { newJobId, type Logger } from '@agentsmith/kit';
import { startBroker, type BrokerSetup } from './broker/start-broker.js';
import type { DispatcherConfig } from './config/dispatcher-config.js';
import { RedisConversationStateManager } from './conversations/redis-conversation-state-manager.js';
import { parseIntent } from './intents/parse-intent.js';
import { answerQuestion } from './jobs/answer-question.js';
import { handleChatMessage, retryFix } from './jobs/chat-commands.js';
import { finishJob, reportJobLost } from './jobs/finish-job.js';
import type { JobContext } from './jobs/job-context.js';
import { createJobSupervision } from './jobs/job-supervision.js';
import type { ProjectCatalog } from './jobs/project-catalog.js';
import { createRedisClient } from './redis/create-redis-client.js';
import { RedisDedupStore } from './redis/redis-dedup-store.js';
import { EntryDelivery } from './relay/entry-delivery.js';
import { ProgressRelay } from './relay/progress-relay.js';
import { RedisJobStore } from './relay/redis-job-store.js';
import { relayKeys } from './relay/relay-keys.js';
import { startHttpServer } from './server/http-server.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { formatDuration } from './slack/message-blocks.js';
import { createSlackApp } from './slack/slack-app.js';
import type { SlackHandlers } from './slack/slack-handlers.js';
import { SlackNotifier } from './slack/slack-notifier.js';
import type { JobSpawner } from './spawners/job-spawner.js';

export interface DispatcherDependencies {
  logger: Logger;
  spawner: JobSpawner;
  projects: ProjectCatalog;
  /** Prefix of dispatcher-internal keys (tests isolate themselves with a unique one). */
  keyPrefix?: string;
  relay?: { leaseMs?: number; blockMs?: number; minIntervalMs?: number };
  unhandledRequestTimeoutMs?: number;
  host?: string;
  /** Run the spawners' watchdog and reaper (default true; tests of the relay turn it off). */
  supervise?: boolean;
  now?: () => number;
  newJobId?: () => string;
  /** The credential broker (main.ts always starts it; some tests run without). */
  broker?: BrokerSetup;
}

export interface RunningDispatcher {
  url: string;
  /** The credential broker's URL, when it runs. */
  brokerUrl?: string;
  context: JobContext;
  relay: ProgressRelay;
  metrics: Metrics;
  /** Graceful stop: not ready, stop Slack intake, finish the relay's delivery, wait, close. */
  close(graceMs?: number): Promise<void>;
}

/** Wires the dispatcher together and starts it (the composition root minus env and signals). */
export async function startDispatcher(
  config: DispatcherConfig,
  dependencies: DispatcherDependencies,
): Promise<RunningDispatcher> {
  const { logger, spawner, projects } = dependencies;
  const redis = createRedisClient(config.redisUrl, logger, 'commands');
  const blocking = createRedisClient(config.redisUrl, logger, 'relay-blocking');
  const subscriber = createRedisClient(config.redisUrl, logger, 'relay-subscriber');
  const keys = relayKeys(dependencies.keyPrefix ?? config.keyPrefix);
  const metrics = createMetrics();
  const store = new RedisJobStore(redis, keys);
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  // Handlers are created before the context they use; they only run after it is set.
  const broker = dependencies.broker
    ? await startBroker(dependencies.broker, redis, logger.child({ component: 'broker' }))
    : undefined;
  const holder: { context?: JobContext } = {};
  const ctx = () => holder.context as JobContext;
  const handlers: SlackHandlers = {
    message: async (origin, text, addressed) => {
      const kind = parseIntent(text).kind;
      if (!addressed && (kind === 'unknown' || kind === 'greeting')) return;
      await track(handleChatMessage(ctx(), origin, text));
    },
    answer: async (click) => {
      await track(answerQuestion(ctx(), click));
    },
    retry: async (origin, request) => {
      await track(retryFix(ctx(), origin, request));
    },
  };
  const slack = createSlackApp({
    mode: config.slack,
    slackApiUrl: config.slackApiUrl,
    handlers,
    dedup: new RedisDedupStore(redis, keys.dedup),
    logger: logger.child({ component: 'slack' }),
    ...(dependencies.unhandledRequestTimeoutMs !== undefined
      ? { unhandledRequestTimeoutMs: dependencies.unhandledRequestTimeoutMs }
      : {}),
  });
  const context: JobContext = {
    conversations: new RedisConversationStateManager(redis, logger),
    jobs: store,
    notifier: new SlackNotifier(slack.client, metrics),
    spawner,
    projects,
    metrics,
    logger,
    agentRedisUrl: config.agentRedisUrl,
    jobMaxDurationMs: config.jobMaxDurationMs,
    cancelGraceSeconds: config.cancelGraceSeconds,
    now: dependencies.now ?? Date.now,
    newJobId: dependencies.newJobId ?? newJobId,
    ...(broker ? { credentials: broker.issuer } : {}),
  };
  const supervision =
    dependencies.supervise === false
      ? undefined
      : createJobSupervision(
          context,
          {
            get: (key) => redis.get(key),
            lastEntries: (key, count) => redis.xrevrange(key, '+', '-', 'COUNT', count),
          },
          logger.child({ component: 'supervision' }),
        );
  if (supervision) {
    context.onSpawned = (spec) => {
      supervision
        .watch(spec)
        .catch((error: unknown) =>
          logger.warn({ err: error, jobId: spec.jobId }, 'Watchdog failed'),
        );
    };
  }
  holder.context = context;
  const delivery = new EntryDelivery({
    store,
    notifier: context.notifier,
    logger: logger.child({ component: 'relay' }),
    metrics,
    onFinal: (job, entry) => finishJob(ctx(), job.jobId, entry),
    ...(broker ? { finalCost: (jobId: string) => broker.finalCost(jobId) } : {}),
    ...(dependencies.relay?.minIntervalMs !== undefined
      ? { minIntervalMs: dependencies.relay.minIntervalMs }
      : {}),
  });
  const relay = new ProgressRelay({
    redis,
    blocking,
    subscriber,
    store,
    delivery,
    instanceId: config.instanceId,
    logger: logger.child({ component: 'relay' }),
    metrics,
    ...(dependencies.relay?.leaseMs !== undefined ? { leaseMs: dependencies.relay.leaseMs } : {}),
    ...(dependencies.relay?.blockMs !== undefined ? { blockMs: dependencies.relay.blockMs } : {}),
    onDeadline: async ({ jobId }) => {
      await reportJobLost(
        ctx(),
        jobId,
        `it ran longer than its limit of ${formatDuration(config.jobMaxDurationMs)} (JOB_MAX_DURATION)`,
        'run_deadline_exceeded',
      );
      await spawner
        .stop(jobId, { graceSeconds: 10 })
        .catch((error: unknown) =>
          logger.warn({ err: error, jobId }, 'Could not stop an expired job'),
        );
    },
  });
  const http = await startHttpServer({
    port: config.port,
    ...(dependencies.host ? { host: dependencies.host } : {}),
    metrics,
    slack: slack.requestListener,
    logger,
    checks: [
      { name: 'redis', check: async () => ({ ready: (await redis.ping()) === 'PONG' }) },
      { name: 'spawner', check: () => spawner.checkReadiness() },
    ],
  });
  relay.start();
  await slack.start();
  supervision
    ?.start()
    .catch((error: unknown) => logger.warn({ err: error }, 'Job supervision failed to start'));
  logger.info(
    {
      url: http.url,
      spawner: spawner.type,
      slackMode: config.slack.kind,
      instanceId: config.instanceId,
    },
    'Dispatcher started',
  );

  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    ...(broker ? { brokerUrl: broker.url } : {}),
    context,
    relay,
    metrics,
    close: (graceMs = 10_000) =>
      (closing ??= (async () => {
        http.markNotReady();
        const httpClosed = http.close();
        await slack.stop().catch(() => undefined);
        await relay.close();
        await supervision?.close();
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
        http.server.closeAllConnections();
        await httpClosed;
        await broker?.close();
        await Promise.all(
          [redis, blocking, subscriber].map((client) =>
            client.quit().catch(() => client.disconnect()),
          ),
        );
        logger.info('Dispatcher stopped');
      })()),
  };
}
