import { FixTicketIntent } from '@agentsmith/contracts';
import { retry, type Logger } from '@agentsmith/kit';
import { App, HTTPReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import type { SlackMode } from '../config/dispatcher-config.js';
import {
  ANSWER_ACTION_PREFIX,
  QUESTION_BLOCK_PREFIX,
  RETRY_ACTION_ID,
  UNRESPONSIVE_CANCEL_ACTION_ID,
  UNRESPONSIVE_WAIT_ACTION_ID,
} from './message-blocks.js';
import type { DedupStore, SlackHandlers } from './slack-handlers.js';
import { boltLogger } from './bolt-logger.js';
import { cachedBotAuthorization } from './bot-authorization.js';
import { verifiedSlackListener } from './verify-slack-request.js';

/** Slack retries for about five minutes; remember ids well beyond that. */
const DEDUP_TTL_SECONDS = 3600;

export interface SlackAppOptions {
  mode: SlackMode;
  /** Web API base URL (`SLACK_API_URL`), ending in `/`. */
  slackApiUrl?: string | undefined;
  /** The Web API client (see {@link createSlackClient}); the notifier has its own (slack-chat-client.ts). */
  client: webApi.WebClient;
  handlers: SlackHandlers;
  dedup: DedupStore;
  logger: Logger;
  /** How long a request may stay unacknowledged before it is answered 200 anyway (< 3 s). */
  unhandledRequestTimeoutMs?: number;
}

export interface SlackApp {
  app: App;
  /** HTTP mode: serves `/slack/events` and `/slack/interact`; undefined in Socket Mode. */
  requestListener: RequestListener | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface MessageEvent {
  type?: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel?: string;
  channel_type?: string;
  ts?: string;
  thread_ts?: string;
  /** The author's workspace (differs from the installation's for Slack Connect users). */
  user_team?: string;
}

interface ActionBody {
  user?: { id?: string; team_id?: string };
  channel?: { id?: string };
  message?: { ts?: string; thread_ts?: string };
  container?: { message_ts?: string; thread_ts?: string };
  actions?: Array<{ action_id?: string; block_id?: string; value?: string; action_ts?: string }>;
}

function webClientOptions(slackApiUrl: string | undefined) {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 5_000 },
    timeout: 15_000,
  };
}

/** The Web API client of the bot token, at `SLACK_API_URL` when set. */
export function createSlackClient(
  botToken: string,
  slackApiUrl: string | undefined,
  logger: Logger,
): webApi.WebClient {
  return new webApi.WebClient(botToken, {
    ...webClientOptions(slackApiUrl),
    logger: boltLogger(logger),
  });
}

/**
 * The bolt app: Events API and interactivity over HTTP or Socket Mode. Over HTTP every request
 * passes {@link verifiedSlackListener} first (signature, 5-minute window both ways), which is the
 * one signature check: bolt's own is switched off. Events are acknowledged before any work;
 * retries, double deliveries (`message` + `app_mention`) and bot or edited messages are filtered
 * out here.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { mode, handlers, dedup, logger, client } = options;
  const clientOptions = webClientOptions(options.slackApiUrl);
  const slackLogger = boltLogger(logger);
  const authorize = cachedBotAuthorization(client, mode.botToken, logger);
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (mode.kind === 'http') {
    receiver = new HTTPReceiver({
      signingSecret: mode.signingSecret,
      // verifiedSlackListener has checked the request before bolt sees it.
      signatureVerification: false,
      endpoints: ['/slack/events', '/slack/interact'],
      logger: slackLogger,
      unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMs ?? 2_500,
      unhandledRequestHandler: ({ response }) => {
        if (!response.headersSent) response.writeHead(200).end();
      },
      processEventErrorHandler: ({ error, response }) => {
        logger.warn({ err: error }, 'Slack request failed before it was acknowledged');
        if (!response.headersSent) response.writeHead(200).end();
        return Promise.resolve(true);
      },
    });
    app = new App({ authorize, receiver, logger: slackLogger, clientOptions });
  } else {
    // Our own receiver, so `apps.connections.open` also goes to SLACK_API_URL.
    const socketReceiver = new SocketModeReceiver({
      appToken: mode.appToken,
      logger: slackLogger,
      installerOptions: { clientOptions },
    });
    app = new App({
      authorize,
      receiver: socketReceiver,
      logger: slackLogger,
      clientOptions,
    });
  }

  // When the store is unreachable, handle the request anyway: a rare duplicate beats silence.
  const firstSeen = async (key: string): Promise<boolean> => {
    try {
      return await dedup.firstSeen(key, DEDUP_TTL_SECONDS);
    } catch (error) {
      logger.warn({ err: error }, 'De-duplication store unreachable; handling the request anyway');
      return true;
    }
  };

  const onMessage = async (
    event: MessageEvent,
    envelope: { event_id?: string; team_id?: string },
    botUserId: string | undefined,
    addressed: boolean,
  ) => {
    const eventId = envelope.event_id;
    const receivedAt = Date.now();
    if (event.subtype || event.bot_id || !event.user || event.user === botUserId) return;
    if (!event.text || !event.channel || !event.ts) return;
    // One mention arrives as `message` and `app_mention` with different event ids but one ts.
    if (eventId && !(await firstSeen(`event:${eventId}`))) return;
    if (!(await firstSeen(`message:${event.channel}:${event.ts}`))) return;
    const mentioned = botUserId !== undefined && event.text.includes(`<@${botUserId}`);
    await handlers.message(
      {
        platform: 'slack',
        channelId: event.channel,
        userId: event.user,
        teamId: event.user_team ?? envelope.team_id,
        threadTs: event.thread_ts ?? event.ts,
        receivedAt,
      },
      event.text,
      addressed || mentioned || event.channel_type === 'im',
    );
  };

  app.event('message', async ({ event, body, context }) => {
    await onMessage(event, body, context.botUserId, false);
  });
  app.event('app_mention', async ({ event, body, context }) => {
    await onMessage(event, body, context.botUserId, true);
  });

  app.action(new RegExp(`^${ANSWER_ACTION_PREFIX}\\d+$`), async ({ ack, body }) => {
    await ack();
    const action = body as ActionBody;
    const clicked = action.actions?.[0];
    const [, jobId, ...rest] = (clicked?.block_id ?? '').split(':');
    const userId = action.user?.id;
    if (
      !clicked?.block_id?.startsWith(QUESTION_BLOCK_PREFIX) ||
      !jobId ||
      rest.length === 0 ||
      !userId ||
      clicked.value === undefined
    ) {
      logger.info({ blockId: clicked?.block_id }, 'Ignoring a malformed answer click');
      return;
    }
    await handlers.answer({ jobId, questionId: rest.join(':'), answer: clicked.value, userId });
  });

  app.action(RETRY_ACTION_ID, async ({ ack, body }) => {
    await ack();
    const action = body as ActionBody;
    const clicked = action.actions?.[0];
    const channelId = action.channel?.id;
    const userId = action.user?.id;
    const messageTs = action.message?.ts ?? action.container?.message_ts;
    if (!clicked || !channelId || !userId || !messageTs) return;
    if (!(await firstSeen(`retry:${channelId}:${messageTs}:${clicked.action_ts ?? ''}`))) return;
    let request: FixTicketIntent;
    try {
      request = FixTicketIntent.parse(JSON.parse(clicked.value ?? ''));
    } catch {
      logger.info('Ignoring a retry click with an unreadable value');
      return;
    }
    const threadTs = action.message?.thread_ts ?? action.container?.thread_ts ?? messageTs;
    await handlers.retry(
      { platform: 'slack', channelId, userId, teamId: action.user?.team_id, threadTs },
      request,
    );
  });

  for (const [actionId, choice] of [
    [UNRESPONSIVE_CANCEL_ACTION_ID, 'cancel'],
    [UNRESPONSIVE_WAIT_ACTION_ID, 'wait'],
  ] as const) {
    app.action(actionId, async ({ ack, body }) => {
      await ack();
      const action = body as ActionBody;
      const clicked = action.actions?.[0];
      const channelId = action.channel?.id;
      const userId = action.user?.id;
      const messageTs = action.message?.ts ?? action.container?.message_ts;
      if (!clicked?.value || !channelId || !userId || !messageTs) return;
      if (!(await firstSeen(`${actionId}:${channelId}:${messageTs}:${clicked.action_ts ?? ''}`)))
        return;
      const threadTs = action.message?.thread_ts ?? action.container?.thread_ts ?? messageTs;
      await handlers.silenceNotice({
        jobId: clicked.value,
        choice,
        origin: { platform: 'slack', channelId, userId, threadTs },
      });
    });
  }

  app.error(async (error) => {
    logger.error({ err: error }, 'Slack listener failed');
    return Promise.resolve();
  });

  const stopping = new AbortController();
  let reconnecting: Promise<void> | undefined;
  return {
    app,
    requestListener:
      receiver && mode.kind === 'http'
        ? verifiedSlackListener(mode.signingSecret, receiver.requestListener, (reason) =>
            logger.warn({ reason }, 'Refused a Slack request'),
          )
        : undefined,
    start: async () => {
      if (mode.kind !== 'socket') return;
      try {
        await app.start();
      } catch (error) {
        // Slack unreachable at start-up must not stop the dispatcher: keep trying meanwhile.
        logger.warn({ err: error }, 'Socket Mode could not connect; retrying in the background');
        reconnecting = connectWithRetry(app, stopping.signal, logger);
      }
    },
    stop: async () => {
      stopping.abort();
      await reconnecting;
      if (mode.kind === 'socket') await app.stop().catch(() => undefined);
    },
  };
}

async function connectWithRetry(app: App, signal: AbortSignal, logger: Logger): Promise<void> {
  await retry(() => app.start(), {
    signal,
    maxRetries: Number.POSITIVE_INFINITY,
    initialDelayMs: 1_000,
    maxDelayMs: 30_000,
    isRetryable: () => true,
    onRetry: ({ delayMs, error }) =>
      logger.warn({ err: error, delayMs }, 'Socket Mode could not connect; retrying'),
  }).then(
    () => logger.info('Socket Mode connected'),
    (error: unknown) => {
      if (!signal.aborted) logger.error({ err: error }, 'Socket Mode gave up connecting');
    },
  );
}
