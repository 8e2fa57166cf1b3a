import { ExternalServiceError, SecretSanitizer } from '@agentsmith/kit';
import type { Notice } from '../jobs/notices.js';
import type { Notifier } from '../jobs/notifier.js';
import type { Metrics } from '../server/metrics.js';
import { renderNotice, type ChatMessage } from './message-blocks.js';
import {
  mayPassLater,
  SlackCallError,
  type ChatMethod,
  type SlackChatClient,
} from './slack-chat-client.js';

/** Platform errors worth another try later; every other `ok:false` is final. */
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

function toServiceError(method: ChatMethod, error: unknown): ExternalServiceError {
  if (!(error instanceof SlackCallError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ExternalServiceError('slack_api_failed', `Slack ${method} failed: ${message}`, {
      service: 'slack',
      retryable: false,
      cause: error,
    });
  }
  const { failure } = error;
  const reason =
    failure.kind === 'platform' ? `Slack refused ${method}: ${failure.error}` : error.message;
  return new ExternalServiceError('slack_api_failed', reason, {
    service: 'slack',
    retryable:
      failure.kind === 'platform'
        ? RETRYABLE_PLATFORM_ERRORS.has(failure.error)
        : mayPassLater(failure),
    cause: error,
    ...(failure.kind === 'http' ? { status: failure.status } : {}),
    ...(failure.kind === 'rate_limited' ? { status: 429, retryAfterMs: failure.retryAfterMs } : {}),
  });
}

/** Slack must not turn names into mentions nor unfold links into previews, whatever the text. */
const INERT = { parse: 'none', link_names: false } as const;

/**
 * {@link Notifier} over Slack's chat methods: scrubs secrets from each notice, then renders it
 * as Block Kit (escaped, within Slack's limits: message-blocks.ts). The client waits out 429s as
 * `Retry-After` says and retries failures without an answer a few times (slack-chat-client.ts);
 * what still fails becomes an ExternalServiceError marked retryable or not, and is counted.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: SlackChatClient,
    private readonly metrics: Metrics,
    /** Known secret values of the dispatcher; token formats are recognised without it. */
    private readonly sanitizer: SecretSanitizer = new SecretSanitizer(),
  ) {}

  #render(notice: Notice): ChatMessage {
    return renderNotice(this.sanitizer.sanitizeStrings(notice));
  }

  async post(channelId: string, notice: Notice, threadTs?: string): Promise<string> {
    const message = this.#render(notice);
    try {
      const result = await this.client.call('chat.postMessage', {
        channel: channelId,
        text: message.text,
        blocks: message.blocks,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...INERT,
        unfurl_links: false,
        unfurl_media: false,
      });
      const ts = result['ts'];
      // Slack took the message: posting it again would show it twice, so this is not retried.
      if (typeof ts !== 'string' || ts === '') throw new Error('chat.postMessage returned no ts');
      return ts;
    } catch (error) {
      this.metrics.slackApiErrors += 1;
      throw toServiceError('chat.postMessage', error);
    }
  }

  async update(channelId: string, ts: string, notice: Notice): Promise<void> {
    const message = this.#render(notice);
    try {
      await this.client.call('chat.update', {
        channel: channelId,
        ts,
        text: message.text,
        blocks: message.blocks,
        ...INERT,
      });
    } catch (error) {
      this.metrics.slackApiErrors += 1;
      throw toServiceError('chat.update', error);
    }
  }
}
