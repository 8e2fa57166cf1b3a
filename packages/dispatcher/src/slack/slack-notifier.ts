import type { webApi } from '@slack/bolt';
import { ExternalServiceError, SecretSanitizer } from '@agentsmith/kit';
import type { Notice } from '../jobs/notices.js';
import type { Notifier } from '../jobs/notifier.js';
import type { Metrics } from '../server/metrics.js';
import { renderNotice, type ChatMessage } from './message-blocks.js';

/** Platform errors worth another try later; every other `ok:false` is final. */
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

function toServiceError(method: string, error: unknown): ExternalServiceError {
  const slack = error as {
    code?: string;
    data?: { error?: string };
    statusCode?: number;
    retryAfter?: number;
    message?: string;
  };
  const platform = slack.data?.error;
  const retryable =
    slack.code === 'slack_webapi_request_error' ||
    slack.code === 'slack_webapi_http_error' ||
    slack.code === 'slack_webapi_rate_limited_error' ||
    (platform !== undefined && RETRYABLE_PLATFORM_ERRORS.has(platform));
  const reason = platform
    ? `Slack refused ${method}: ${platform}`
    : `Slack ${method} failed: ${slack.message ?? String(error)}`;
  return new ExternalServiceError('slack_api_failed', reason, {
    service: 'slack',
    retryable,
    cause: error,
    ...(slack.statusCode !== undefined ? { status: slack.statusCode } : {}),
    ...(slack.retryAfter !== undefined ? { retryAfterMs: slack.retryAfter * 1000 } : {}),
  });
}

/** Slack must not turn names into mentions nor unfold links into previews, whatever the text. */
const INERT = { parse: 'none', link_names: false } as const;

/**
 * {@link Notifier} over the Slack Web API client: scrubs secrets from each notice, then renders it
 * as Block Kit (escaped, within Slack's limits: message-blocks.ts). The client waits out 429s as
 * `Retry-After` says and retries network errors a few times; what still fails becomes an
 * ExternalServiceError marked retryable or not, and is counted.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly metrics: Metrics,
    /** Known secret values of the dispatcher; token formats are recognised without it. */
    private readonly sanitizer: SecretSanitizer = new SecretSanitizer(),
  ) {}

  #render(notice: Notice): { text: string; blocks: webApi.Block[] } {
    const message: ChatMessage = renderNotice(this.sanitizer.sanitizeStrings(notice));
    return { text: message.text, blocks: [...message.blocks] };
  }

  async post(channelId: string, notice: Notice, threadTs?: string): Promise<string> {
    const message = this.#render(notice);
    try {
      const result = await this.client.chat.postMessage({
        channel: channelId,
        ...message,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...INERT,
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!result.ts) throw new Error('chat.postMessage returned no ts');
      return result.ts;
    } catch (error) {
      this.metrics.slackApiErrors += 1;
      throw toServiceError('chat.postMessage', error);
    }
  }

  async update(channelId: string, ts: string, notice: Notice): Promise<void> {
    const message = this.#render(notice);
    try {
      await this.client.chat.update({ channel: channelId, ts, ...message, ...INERT });
    } catch (error) {
      this.metrics.slackApiErrors += 1;
      throw toServiceError('chat.update', error);
    }
  }
}
