import { toAppError } from '@agentsmith/kit';
import type { ChatIntent } from '../intents/chat-intent.js';
import { parseIntent } from '../intents/parse-intent.js';
import { helpMessage, plainMessage } from '../slack/message-blocks.js';
import { cancelJob } from './cancel-job.js';
import { dispatchFix } from './dispatch-job.js';
import type { ChatOrigin, JobContext } from './job-context.js';
import { replyStatus } from './job-status.js';
import { createTicket, listTickets } from './ticket-commands.js';

/**
 * Handles one chat message (after de-duplication and filtering by the Slack adapter): parse the
 * intent and run it. Every failure becomes a plain-language reply plus one error log.
 */
export async function handleChatMessage(
  context: JobContext,
  origin: ChatOrigin,
  text: string,
): Promise<ChatIntent> {
  const intent = parseIntent(text);
  try {
    switch (intent.kind) {
      case 'fix':
        await dispatchFix(context, origin, { ticketId: intent.ticketId, project: intent.project });
        break;
      case 'list':
        await listTickets(context, origin, intent.project);
        break;
      case 'create':
        await createTicket(context, origin, intent);
        break;
      case 'status':
        await replyStatus(context, origin);
        break;
      case 'cancel':
        await cancelJob(context, origin);
        break;
      case 'greeting':
        await context.notifier.post(origin.channelId, helpMessage(true), origin.threadTs);
        break;
      case 'help':
      case 'unknown':
        await context.notifier.post(origin.channelId, helpMessage(false), origin.threadTs);
        break;
    }
  } catch (error) {
    const failure = toAppError(error);
    context.logger.error(
      { err: failure, intent: intent.kind, channelId: origin.channelId },
      'Chat command failed',
    );
    await context.notifier
      .post(
        origin.channelId,
        plainMessage(`Something went wrong: ${failure.message}`, ':x:'),
        origin.threadTs,
      )
      .catch(() => undefined);
  }
  return intent;
}
