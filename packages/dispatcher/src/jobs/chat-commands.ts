import type { FixTicketIntent } from '@agentsmith/contracts';
import { toAppError } from '@agentsmith/kit';
import type { ChatIntent } from '../intents/chat-intent.js';
import { parseIntent } from '../intents/parse-intent.js';
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
      case 'help':
      case 'unknown':
        await context.notifier.post(
          origin.channelId,
          { kind: 'help', reason: intent.kind },
          origin.threadTs,
        );
        break;
    }
  } catch (error) {
    await replyFailure(context, origin, intent.kind, error);
  }
  return intent;
}

/** The Retry button of an error card: the fix flow again, with the same failure handling. */
export async function retryFix(
  context: JobContext,
  origin: ChatOrigin,
  request: FixTicketIntent,
): Promise<void> {
  try {
    await dispatchFix(context, origin, request);
  } catch (error) {
    await replyFailure(context, origin, 'retry', error);
  }
}

async function replyFailure(
  context: JobContext,
  origin: ChatOrigin,
  command: string,
  error: unknown,
): Promise<void> {
  const failure = toAppError(error);
  context.logger.error(
    { err: failure, intent: command, channelId: origin.channelId },
    'Chat command failed',
  );
  await context.notifier
    .post(origin.channelId, { kind: 'command-failed', reason: failure.message }, origin.threadTs)
    .catch(() => undefined);
}
