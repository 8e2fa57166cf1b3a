import type { FixTicketIntent } from '@agentsmith/contracts';
import { toAppError } from '@agentsmith/kit';
import type { ChatIntent } from '../intents/chat-intent.js';
import { parseIntent } from '../intents/parse-intent.js';
import { audit, checkAccess, refuse, type AuditFacts } from './access-control.js';
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
  if (intent.kind === 'greeting' || intent.kind === 'help' || intent.kind === 'unknown') {
    await context.notifier
      .post(origin.channelId, { kind: 'help', reason: intent.kind }, origin.threadTs)
      .catch((error: unknown) => replyFailure(context, origin, intent.kind, error));
    return intent;
  }
  const project = 'project' in intent ? intent.project : undefined;
  try {
    const decision = await checkAccess(context, origin, intent.kind, project);
    if (!decision.allowed) return intent;
    if (intent.kind === 'audit' && decision.why !== 'admin') {
      await refuse(context, origin, 'audit', 'only admins may read the audit log');
      return intent;
    }
    const facts = await runCommand(context, origin, intent);
    if (facts)
      await audit(context, origin, intent.kind, { allowed: true, reason: decision.why }, facts);
  } catch (error) {
    await replyFailure(context, origin, intent.kind, error);
  }
  return intent;
}

/** How many audit records `audit` shows. */
const AUDIT_SHOWN = 15;

/**
 * Runs a command the person may use; returns what its audit record should say, or null when the
 * command recorded its own decision (a refused `cancel`).
 */
async function runCommand(
  context: JobContext,
  origin: ChatOrigin,
  intent: Exclude<ChatIntent, { kind: 'greeting' | 'help' | 'unknown' }>,
): Promise<AuditFacts | null> {
  switch (intent.kind) {
    case 'fix': {
      const result = await dispatchFix(context, origin, {
        ticketId: intent.ticketId,
        project: intent.project,
      });
      return {
        project: intent.project,
        ticketId: intent.ticketId,
        ...(result.kind === 'started' ? { jobId: result.jobId } : {}),
      };
    }
    case 'list':
      await listTickets(context, origin, intent.project);
      return { project: intent.project };
    case 'create':
      await createTicket(context, origin, intent);
      return { project: intent.project };
    case 'status':
      await replyStatus(context, origin);
      return {};
    case 'cancel': {
      const result = await cancelJob(context, origin);
      if (result.kind === 'refused') return null;
      return result.kind === 'cancelled' ? { jobId: result.jobId } : {};
    }
    case 'audit': {
      const records = (await context.access?.audit.latest(AUDIT_SHOWN)) ?? [];
      await context.notifier.post(origin.channelId, { kind: 'audit', records }, origin.threadTs);
      return {};
    }
  }
}

/** The Retry button of an error card: the fix flow again, with the same failure handling. */
export async function retryFix(
  context: JobContext,
  origin: ChatOrigin,
  request: FixTicketIntent,
): Promise<void> {
  try {
    const decision = await checkAccess(context, origin, 'retry', request.project);
    if (!decision.allowed) return;
    const result = await dispatchFix(context, origin, request);
    await audit(
      context,
      origin,
      'retry',
      { allowed: true, reason: decision.why },
      {
        project: request.project,
        ticketId: request.ticketId,
        ...(result.kind === 'started' ? { jobId: result.jobId } : {}),
      },
    );
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
