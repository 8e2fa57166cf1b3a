import type { JobSpec } from '@agentsmith/contracts';
import { newJobId, type Logger } from '@agentsmith/kit';
import { startBroker, type BrokerSetup } from './broker/start-broker.js';
import type { DispatcherConfig } from './config/dispatcher-config.js';
import { RedisConversationStateManager } from './conversations/redis-conversation-state-manager.js';
import { parseIntent } from './intents/parse-intent.js';
import { answerQuestion } from './jobs/answer-question.js';
import { handleChatMessage, retryFix } from './jobs/chat-commands.js';
import { expireJob, finishJob } from './jobs/finish-job.js';
import type { JobContext } from './jobs/job-context.js';
import { dispatcherKeys } from './jobs/job-keys.js';
import type { ProjectCatalog } from './jobs/project-catalog.js';
import { RedisJobStore } from './jobs/redis-job-store.js';
import { createRedisClient } from './redis/create-redis-client.js';
import { RedisDedupStore } from './redis/redis-dedup-store.js';
import { EntryDelivery } from './relay/entry-delivery.js';
import { ProgressRelay } from './relay/progress-relay.js';
import { startHttpServer } from './server/http-server.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { createSlackApp, createSlackClient } from './slack/slack-app.js';
import type { SlackHandlers } from './slack/slack-handlers.js';
import { SlackNotifier } from './slack/slack-notifier.js';
import type { JobSpawner } from './spawners/job-spawner.js';
import { createJobSupervision } from './supervision/job-supervision.js';
import { createSilentAgents } from './supervision/silent-agents.js';

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
  const keys = dispatcherKeys(dependencies.keyPrefix ?? config.keyPrefix);
  const metrics = createMetrics();
  const store = new RedisJobStore(redis, keys);
  const conversations = new RedisConversationStateManager(redis, logger);
  const now = dependencies.now ?? Date.now;
  const slackLogger = logger.child({ component: 'slack' });
  const slackClient = createSlackClient(config.slack.botToken, config.slackApiUrl, slackLogger);
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const broker = dependencies.broker
    ? await startBroker(dependencies.broker, redis, logger.child({ component: 'broker' }))
    : undefined;
  const supervision =
    dependencies.supervise === false
      ? undefined
      : createJobSupervision({
          spawner,
          conversations,
          jobs: store,
          now,
          logger: logger.child({ component: 'supervision' }),
          credentials: broker?.issuer,
        });
  const context: JobContext = {
    conversations,
    jobs: store,
    notifier: new SlackNotifier(slackClient, metrics),
    spawner,
    projects,
    metrics,
    logger,
    agentRedisUrl: config.agentRedisUrl,
    jobMaxDurationMs: config.jobMaxDurationMs,
    cancelGraceSeconds: config.cancelGraceSeconds,
    now,
    newJobId: dependencies.newJobId ?? newJobId,
    ...(broker ? { credentials: broker.issuer } : {}),
    ...(supervision
      ? {
          onSpawned: (spec: JobSpec) => {
            supervision
              .watch(spec.jobId)
              .catch((error: unknown) =>
                logger.warn({ err: error, jobId: spec.jobId }, 'Watchdog failed'),
              );
          },
        }
      : {}),
  };
  const silentAgents = createSilentAgents({ ...context, jobs: store }, config.heartbeatTimeoutMs);
  const handlers: SlackHandlers = {
    message: async (origin, text, addressed) => {
      const kind = parseIntent(text).kind;
      if (!addressed && (kind === 'unknown' || kind === 'greeting')) return;
      await track(handleChatMessage(context, origin, text));
    },
    answer: async (click) => {
      await track(answerQuestion(context, click));
    },
    retry: async (origin, request) => {
      await track(retryFix(context, origin, request));
    },
    silenceNotice: async (click) => {
      await track(silentAgents.answer(click));
    },
  };
  const slack = createSlackApp({
    mode: config.slack,
    slackApiUrl: config.slackApiUrl,
    client: slackClient,
    handlers,
    dedup: new RedisDedupStore(redis, keys.dedup),
    logger: slackLogger,
    ...(dependencies.unhandledRequestTimeoutMs !== undefined
      ? { unhandledRequestTimeoutMs: dependencies.unhandledRequestTimeoutMs }
      : {}),
  });
  const delivery = new EntryDelivery({
    store,
    notifier: context.notifier,
    logger: logger.child({ component: 'relay' }),
    metrics,
    onFinal: (job, entry) => finishJob(context, job.jobId, entry),
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
    onDeadline: ({ jobId }) => expireJob(context, jobId),
    ...(supervision ? { superviseJob: (jobId: string) => silentAgents.check(jobId) } : {}),
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
