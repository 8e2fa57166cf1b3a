import type { BundledRecording, JobSpec } from '@agentsmith/contracts';
import { newJobId, SecretSanitizer, type Logger } from '@agentsmith/kit';
import { startBroker, type BrokerSetup } from './broker/start-broker.js';
import type { DispatcherConfig } from './config/dispatcher-config.js';
import { RedisConversationStateManager } from './conversations/redis-conversation-state-manager.js';
import { parseIntent } from './intents/parse-intent.js';
import { answerQuestion } from './jobs/answer-question.js';
import { handleChatMessage, retryFix } from './jobs/chat-commands.js';
import { expireJob, finishJob, releaseBeforeFinalCard } from './jobs/finish-job.js';
import { auditJobEnded, type AccessControl } from './jobs/access-control.js';
import type { JobContext } from './jobs/job-context.js';
import { lockTtlMs } from './jobs/job-context.js';
import { dispatcherKeys } from './jobs/job-keys.js';
import type { ProjectCatalog } from './jobs/project-catalog.js';
import { RedisAuditLog } from './jobs/redis-audit-log.js';
import { RedisAdmissionQueue } from './jobs/redis-admission-queue.js';
import { RedisJobStore } from './jobs/redis-job-store.js';
import { RedisRecentJobs } from './jobs/redis-recent-jobs.js';
import { startAdmittedJobs } from './jobs/start-admitted-job.js';
import { StopEnforcer } from './jobs/stop-enforcer.js';
import { createRedisClient } from './redis/create-redis-client.js';
import { RedisDedupStore } from './redis/redis-dedup-store.js';
import { EntryDelivery } from './relay/entry-delivery.js';
import { ProgressRelay } from './relay/progress-relay.js';
import { agentFacingAddresses, refuseAgentConnections } from './server/agent-network-guard.js';
import { startHttpServer, type ServerTimeouts } from './server/http-server.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { createSlackApp, createSlackClient } from './slack/slack-app.js';
import type { SlackHandlers } from './slack/slack-handlers.js';
import { SlackChatClient } from './slack/slack-chat-client.js';
import { SlackNotifier } from './slack/slack-notifier.js';
import { SlackPeopleDirectory } from './slack/slack-people-directory.js';
import type { ChatSurface } from './jobs/chat-surface.js';
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
  /** Header and request timeouts of both HTTP servers (default: 10 s for the headers, 30 s for the request). */
  httpTimeouts?: ServerTimeouts;
  /** Run the spawners' watchdog and reaper (default true; tests of the relay turn it off). */
  supervise?: boolean;
  now?: () => number;
  newJobId?: () => string;
  /** The credential broker (main.ts always starts it; some tests run without). */
  broker?: BrokerSetup;
  /** Scrubs the dispatcher's known secret values (and token formats) from all it relays and posts. */
  sanitizer?: SecretSanitizer;
  /**
   * Another chat than Slack (the demo's terminal): no Slack client or app is created, and requests
   * reach the dispatcher only through {@link RunningDispatcher.context}.
   */
  chat?: ChatSurface;
  /** A bundled recording every job replays instead of calling a model (the demo). */
  jobReplay?: BundledRecording;
}

export interface RunningDispatcher {
  /** The public port: Slack, `/health`, a bare `/ready`. */
  url: string;
  /** The operators' port: `/metrics`, `/ready` with reasons. */
  opsUrl: string;
  /** The credential broker's URL, when it runs. */
  brokerUrl?: string;
  context: JobContext;
  relay: ProgressRelay;
  metrics: Metrics;
  /** Graceful stop: not ready, stop Slack intake, finish the relay's delivery, wait, close. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Slack as the chat: the Web API client (Bolt's and the directory's), the notifier posting
 * through its own lean chat client (the relay's hot path) and the directory.
 */
function slackChat(
  config: DispatcherConfig,
  parts: { metrics: Metrics; sanitizer: SecretSanitizer; now: () => number; logger: Logger },
): ChatSurface & {
  slackClient: ReturnType<typeof createSlackClient>;
  chatClient: SlackChatClient;
} {
  const slackClient = createSlackClient(config.slack.botToken, config.slackApiUrl, parts.logger);
  const chatClient = new SlackChatClient({
    token: config.slack.botToken,
    ...(config.slackApiUrl ? { apiUrl: config.slackApiUrl } : {}),
  });
  return {
    slackClient,
    chatClient,
    notifier: new SlackNotifier(chatClient, parts.metrics, parts.sanitizer),
    directory: new SlackPeopleDirectory(slackClient, config.access.directoryCacheTtlMs, parts.now),
  };
}

/** Wires the dispatcher together and starts it (the composition root minus env and signals). */
export async function startDispatcher(
  config: DispatcherConfig,
  dependencies: DispatcherDependencies,
): Promise<RunningDispatcher> {
  const { logger, spawner, projects } = dependencies;
  const sanitizer = dependencies.sanitizer ?? new SecretSanitizer();
  const redis = createRedisClient(config.redisUrl, logger, 'commands');
  const blocking = createRedisClient(config.redisUrl, logger, 'relay-blocking');
  const subscriber = createRedisClient(config.redisUrl, logger, 'relay-subscriber');
  const keys = dispatcherKeys(dependencies.keyPrefix ?? config.keyPrefix);
  const metrics = createMetrics();
  const store = new RedisJobStore(redis, keys);
  const conversations = new RedisConversationStateManager(redis, logger);
  const now = dependencies.now ?? Date.now;
  const slackLogger = logger.child({ component: 'slack' });
  const chat = dependencies.chat
    ? { ...dependencies.chat, slackClient: undefined, chatClient: undefined }
    : slackChat(config, { metrics, sanitizer, now, logger: slackLogger });
  const { slackClient, chatClient, directory } = chat;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const broker = dependencies.broker
    ? await startBroker(dependencies.broker, redis, logger.child({ component: 'broker' }), store)
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
          trackedJobIds: () => store.activeJobIds(),
        });
  const recentJobs = new RedisRecentJobs(redis, keys.recentJobs);
  const access: AccessControl = {
    policy: config.access,
    directory,
    audit: new RedisAuditLog(redis, keys.audit, logger.child({ component: 'audit' })),
  };
  const stopEnforcer = new StopEnforcer({
    store,
    instanceId: config.instanceId,
    leaseMs: dependencies.relay?.leaseMs ?? 30_000,
  });
  const context: JobContext = {
    conversations,
    admission: new RedisAdmissionQueue(
      redis,
      keys,
      config.admissionLimits,
      config.jobMaxDurationMs,
      lockTtlMs(config.jobMaxDurationMs),
      now,
    ),
    onStopping: () => stopEnforcer.wake(),
    jobs: store,
    notifier: chat.notifier,
    spawner,
    projects,
    metrics,
    logger,
    agentRedisUrl: config.agentRedisUrl,
    jobMaxDurationMs: config.jobMaxDurationMs,
    cancelGraceSeconds: config.cancelGraceSeconds,
    now,
    newJobId: dependencies.newJobId ?? newJobId,
    access,
    recentJobs,
    ...(dependencies.jobReplay ? { jobReplay: dependencies.jobReplay } : {}),
    ...(broker ? { credentials: broker.issuer, budget: broker.budget } : {}),
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
  const slack = slackClient
    ? createSlackApp({
        mode: config.slack,
        slackApiUrl: config.slackApiUrl,
        client: slackClient,
        handlers,
        dedup: new RedisDedupStore(redis, keys.dedup),
        logger: slackLogger,
        ...(dependencies.unhandledRequestTimeoutMs !== undefined
          ? { unhandledRequestTimeoutMs: dependencies.unhandledRequestTimeoutMs }
          : {}),
      })
    : undefined;
  const delivery = new EntryDelivery({
    store,
    notifier: context.notifier,
    logger: logger.child({ component: 'relay' }),
    metrics,
    onFinal: async (job, entry) => {
      const ledgerCost = await broker?.finalCost(job.jobId).catch(() => undefined);
      await finishJob(context, job.jobId, entry);
      await auditJobEnded(context, job, entry, ledgerCost);
    },
    sanitizer,
    repositoryUrl: (project: string) =>
      projects.repositoryUrl?.(project) ?? Promise.resolve(undefined),
    // A failure here must not cost the card: finishJob frees the channel again afterwards.
    beforeFinalCard: (job) =>
      releaseBeforeFinalCard(context, job.jobId).catch((error: unknown) =>
        logger.warn({ err: error, jobId: job.jobId }, 'Could not free the channel before the card'),
      ),
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
  // Loaded only when configured: a dispatcher without the page does not hold its code.
  const jobsPage = config.jobsPage
    ? (await import('./jobs-page/start-jobs-page.js')).startJobsPage({
        settings: config.jobsPage,
        slackApiUrl: config.slackApiUrl,
        context,
        store,
        access,
        recentJobs,
        connect: () => createRedisClient(config.redisUrl, logger, 'jobs-page'),
        workspaceUrl: () => directory.workspaceUrl(),
        logger: logger.child({ component: 'jobs-page' }),
        scrub: (text) => sanitizer.sanitize(text),
      })
    : undefined;
  // Resolved before listening, so the guard is on the server before its first connection.
  const agentAddresses = dependencies.broker
    ? await agentFacingAddresses(dependencies.broker.config.agentUrl)
    : new Set<string>();
  const http = await startHttpServer({
    port: config.port,
    opsPort: config.opsPort,
    ...(dependencies.httpTimeouts ? { timeouts: dependencies.httpTimeouts } : {}),
    ...(dependencies.host ? { host: dependencies.host } : {}),
    metrics,
    slack: slack?.requestListener,
    jobsPage: jobsPage?.page.handle,
    logger,
    checks: [
      { name: 'redis', check: async () => ({ ready: (await redis.ping()) === 'PONG' }) },
      { name: 'spawner', check: () => spawner.checkReadiness() },
    ],
  });
  refuseAgentConnections(http.server, agentAddresses, logger);
  refuseAgentConnections(http.opsServer, agentAddresses, logger);
  relay.start();
  stopEnforcer.start(context);
  // Jobs queued while no replica ran (or whose slot freed meanwhile) start now.
  void track(
    context.admission
      .admitWaiting()
      .then((started) => startAdmittedJobs(context, started))
      .catch((error: unknown) => logger.warn({ err: error }, 'Could not admit waiting jobs')),
  );
  await slack?.start();
  supervision
    ?.start()
    .catch((error: unknown) => logger.warn({ err: error }, 'Job supervision failed to start'));
  logger.info(
    {
      url: http.url,
      opsUrl: http.opsUrl,
      spawner: spawner.type,
      chat: slack ? `slack (${config.slack.kind})` : 'other',
      instanceId: config.instanceId,
    },
    'Dispatcher started',
  );

  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    opsUrl: http.opsUrl,
    ...(broker ? { brokerUrl: broker.url } : {}),
    context,
    relay,
    metrics,
    close: (graceMs = 10_000) =>
      (closing ??= (async () => {
        http.markNotReady();
        const httpClosed = http.close();
        await jobsPage?.close();
        await slack?.stop().catch(() => undefined);
        await relay.close();
        await stopEnforcer.close();
        await supervision?.close();
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
        http.closeAllConnections();
        await httpClosed;
        await broker?.close();
        chatClient?.close();
        await Promise.all(
          [redis, blocking, subscriber].map((client) =>
            client.quit().catch(() => client.disconnect()),
          ),
        );
        logger.info('Dispatcher stopped');
      })()),
  };
}
