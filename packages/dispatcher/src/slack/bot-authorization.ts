import type { Logger } from '@agentsmith/kit';
import type { AuthorizeResult, webApi } from '@slack/bolt';

/**
 * The bot's identity for bolt, from one `auth.test` that is remembered once it succeeds. Bolt's
 * own token verification runs `auth.test` while the app is built and keeps a failed answer for
 * good, so a dispatcher started while Slack was unreachable would fail every event until
 * restarted; this one asks again on the next event instead.
 */
export function cachedBotAuthorization(
  client: webApi.WebClient,
  botToken: string,
  logger: Logger,
): () => Promise<AuthorizeResult> {
  let identity: Promise<AuthorizeResult> | undefined;
  return () => {
    identity ??= client.auth.test({ token: botToken }).then(
      (result) => ({
        botToken,
        ...(result.bot_id ? { botId: result.bot_id } : {}),
        ...(result.user_id ? { botUserId: result.user_id } : {}),
        ...(result.team_id ? { teamId: result.team_id } : {}),
      }),
      (error: unknown) => {
        identity = undefined;
        logger.warn({ err: error }, 'Slack auth.test failed; will ask again on the next event');
        throw error;
      },
    );
    return identity;
  };
}
