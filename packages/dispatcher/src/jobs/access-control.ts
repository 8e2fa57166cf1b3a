import {
  decideAccess,
  type AccessDecision,
  type AccessPolicy,
  type AccessRequest,
} from './access-policy.js';
import type { AuditLog, AuditRecord } from './audit-log.js';
import { matchName, type Done, type ErrorEntry } from '@agentsmith/contracts';
import type { ChatOrigin, JobContext } from './job-context.js';
import type { TrackedJob } from './job-store.js';
import type { Notice } from './notices.js';
import type { PeopleDirectory } from './people-directory.js';

/** The access policy, the directory it asks and where decisions are recorded. */
export interface AccessControl {
  policy: AccessPolicy;
  directory: PeopleDirectory;
  audit: AuditLog;
}

type AccessContext = Pick<
  JobContext,
  'access' | 'projects' | 'notifier' | 'metrics' | 'now' | 'logger'
>;

/** The configured admins (`SLACK_ADMIN_USERS`); none without an access policy. */
export function adminsOf(context: Pick<JobContext, 'access'>): ReadonlySet<string> {
  return new Set(context.access?.policy.admins ?? []);
}

/** What an audit record says about a request, besides the decision. */
export type AuditFacts = Partial<Pick<AuditRecord, 'project' | 'ticketId' | 'jobId' | 'costUsd'>>;

/** Records a decision (no-op without an access policy); never throws. */
export async function audit(
  context: Pick<JobContext, 'access' | 'now'>,
  origin: Pick<ChatOrigin, 'userId' | 'channelId' | 'teamId'>,
  action: string,
  decision: { allowed: boolean; reason: string },
  facts: AuditFacts = {},
): Promise<void> {
  await context.access?.audit
    .record({
      at: context.now(),
      userId: origin.userId,
      ...(origin.teamId ? { teamId: origin.teamId } : {}),
      channelId: origin.channelId,
      action,
      allowed: decision.allowed,
      reason: decision.reason,
      ...facts,
    })
    .catch(() => undefined);
}

/**
 * The last audit record of a job: who started it, how it ended and what it cost (the broker's
 * ledger when it knows, else what the agent reported).
 */
export async function auditJobEnded(
  context: Pick<JobContext, 'access' | 'now'>,
  job: Pick<
    TrackedJob,
    'jobId' | 'channelId' | 'requestedBy' | 'project' | 'ticketId' | 'cancelledBy'
  >,
  final: Done | ErrorEntry,
  ledgerCostUsd: number | undefined,
): Promise<void> {
  const outcome =
    final.type === 'done'
      ? 'succeeded'
      : job.cancelledBy
        ? 'cancelled'
        : (final.outcome ?? 'failed');
  const costUsd = ledgerCostUsd ?? (final.type === 'done' ? final.costUsd : undefined);
  await audit(
    context,
    { userId: job.requestedBy ?? 'unknown', channelId: job.channelId },
    'job-ended',
    { allowed: true, reason: outcome },
    {
      jobId: job.jobId,
      project: job.project,
      ticketId: job.ticketId,
      ...(costUsd === undefined ? {} : { costUsd }),
    },
  );
}

/**
 * May this person use `action` here (and for `project`)? Without an access policy everyone may.
 * A refusal is answered in the thread (why, and whom to ask), counted and recorded.
 */
export async function checkAccess(
  context: AccessContext,
  origin: ChatOrigin,
  action: string,
  project?: string,
): Promise<AccessDecision> {
  const access = context.access;
  if (!access) return { allowed: true, why: 'policy' };
  let forProject: AccessRequest['project'];
  try {
    forProject = project ? await projectRules(context, project) : undefined;
  } catch (error) {
    const reason = `I could not read the access rules of the project ${project ?? ''} (${error instanceof Error ? error.message : String(error)})`;
    await refuse(context, origin, action, reason, project ? { project } : {});
    return { allowed: false, reason };
  }
  const decision = await decideAccess(access.policy, access.directory, {
    userId: origin.userId,
    channelId: origin.channelId,
    teamId: origin.teamId,
    ...(forProject ? { project: forProject } : {}),
  });
  if (!decision.allowed)
    await refuse(context, origin, action, decision.reason, project ? { project } : {});
  return decision;
}

/**
 * The rules of the project a request names, under its configured name: `fix #1 in SHOP` is about
 * `shop` (names match ignoring case), so its rules apply whatever the spelling. An unknown name
 * has no rules; the command itself then answers that the project is unknown.
 */
async function projectRules(
  context: AccessContext,
  requested: string,
): Promise<NonNullable<AccessRequest['project']>> {
  const match = matchName(requested, (await context.projects.projects()).names);
  if (!match.found) return { name: requested, rules: undefined };
  return { name: match.name, rules: await context.projects.access?.(match.name) };
}

/** Answers a refusal in the thread (by default with `access-refused`), counts it and records it. */
export async function refuse(
  context: AccessContext,
  origin: ChatOrigin,
  action: string,
  reason: string,
  facts: AuditFacts = {},
  notice: Notice = { kind: 'access-refused', action, reason, admins: [...adminsOf(context)] },
): Promise<void> {
  context.metrics.accessRefusals += 1;
  await context.notifier
    .post(origin.channelId, notice, origin.threadTs)
    .catch((error: unknown) =>
      context.logger.warn({ err: error, action }, 'Could not answer a refused request'),
    );
  await audit(context, origin, action, { allowed: false, reason }, facts);
}
