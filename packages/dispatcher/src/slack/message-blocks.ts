import {
  formatCost,
  ticketLabel,
  type ConversationState,
  type Done,
  type ErrorEntry,
  type PhaseMarks,
  type Question,
} from '@agentsmith/contracts';
import type { AuditRecord } from '../jobs/audit-log.js';
import { formatDuration } from '../jobs/format-duration.js';
import type { JobRef, Notice, ProgressFacts } from '../jobs/notices.js';
import {
  actions,
  chatMessage,
  context,
  section,
  sections,
  type Block,
  type ChatMessage,
} from './block-kit.js';
import { code, codeBlock, joinMd, linkWithin, mrkdwn, userMention, type Mrkdwn } from './mrkdwn.js';
import { formatPhaseLine } from '../jobs/phase-timings.js';

export type { ChatMessage } from './block-kit.js';

/*
 * Every renderer builds its text with `mrkdwn` (external strings are escaped there) and its blocks
 * with the builders of block-kit.ts (limits enforced there); ChatMessage can be made no other
 * way. So a new notice cannot forget escaping or limits: see docs/security.md#output-hygiene.
 */

/** `action_id` prefix of a question's answer buttons; `block_id` is `question:<jobId>:<questionId>`. */
export const ANSWER_ACTION_PREFIX = 'answer:';
export const RETRY_ACTION_ID = 'retry';
export const QUESTION_BLOCK_PREFIX = 'question:';
/** Buttons of the "agent is not responding" notice; their value is the job id. */
export const UNRESPONSIVE_CANCEL_ACTION_ID = 'unresponsive:cancel';
export const UNRESPONSIVE_WAIT_ACTION_ID = 'unresponsive:wait';

/** Sections a question may use: a long plan is shown whole up to about 30,000 characters. */
const QUESTION_SECTIONS = 10;
/** Sections of a failure's reason (a failing test's output). */
const REASON_SECTIONS = 2;
const CHANGED_FILES_SHOWN = 20;

/** The job's phase timings as one context line (none when the job has no timings). */
function phaseContext(phases: PhaseMarks): Block[] {
  const line = formatPhaseLine(phases);
  return line === undefined ? [] : [context(mrkdwn`:stopwatch: ${line}`)];
}

export function progressBar(step: number, total: number): string {
  const filled = total > 0 ? Math.max(0, Math.min(10, Math.round((step / total) * 10))) : 0;
  return `\`[${'█'.repeat(filled)}${'░'.repeat(10 - filled)}]\` ${step}/${total}`;
}

function jobName(job: Pick<JobRef, 'jobId' | 'ticketId' | 'project'>): Mrkdwn {
  return mrkdwn`job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}`;
}

function startingMessage(job: JobRef): ChatMessage {
  const text = mrkdwn`Starting ${jobName(job)}`;
  return chatMessage(text, [section(mrkdwn`:rocket: ${text}`)]);
}

/** The one status message of a job, edited in place as steps start. */
function statusMessage(job: JobRef, progress: ProgressFacts): ChatMessage {
  const head = mrkdwn`Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}`;
  const step = `${progress.step}/${progress.total}`;
  return chatMessage(mrkdwn`${head}: [${step}] ${progress.label}`, [
    section(
      mrkdwn`:gear: ${head}\n*[${step}]* ${progress.label}\n${progressBar(progress.step, progress.total)}`,
    ),
  ]);
}

function finishedStatusMessage(
  job: JobRef,
  outcome: 'succeeded' | 'failed' | 'cancelled',
): ChatMessage {
  const icon = { succeeded: ':white_check_mark:', failed: ':x:', cancelled: ':no_entry_sign:' }[
    outcome
  ];
  const text = mrkdwn`Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}: ${outcome}`;
  return chatMessage(text, [section(mrkdwn`${icon} ${text}`)]);
}

function detailMessage(lines: string[]): ChatMessage {
  const text = joinMd(lines, '\n');
  return chatMessage(text, [context(text)]);
}

/** A host the egress proxy refused, with the `agentsmith.yml` line that would admit it. */
function egressRefusedMessage(notice: Extract<Notice, { kind: 'egress-refused' }>): ChatMessage {
  const target = `${notice.host}:${notice.port}`;
  const where = `projects.${notice.job.project}.egress.allow`;
  const fallback = mrkdwn`Blocked a connection to ${target}: it is not in this project's egress allow-list. To allow it, add this line under ${where} in agentsmith.yml: - ${notice.rule}`;
  const shown = mrkdwn`:no_entry: Blocked a connection to ${code(target)}: it is not in this project's egress allow-list. To allow it, add this line under ${code(where)} in agentsmith.yml:\n${codeBlock(`- ${notice.rule}`)}`;
  return chatMessage(fallback, [section(shown)]);
}

function questionMessage(jobId: string, question: Question): ChatMessage {
  const buttons = question.choices.slice(0, 5).map((choice, index) => ({
    actionId: `${ANSWER_ACTION_PREFIX}${index}`,
    text: choice,
    value: choice,
    ...(index === 0 ? { style: 'primary' as const } : {}),
  }));
  const answers = actions(buttons, `${QUESTION_BLOCK_PREFIX}${jobId}:${question.questionId}`);
  const fallbackChoice = question.defaultChoice ?? 'its default';
  return chatMessage(mrkdwn`Question: ${question.text}`, [
    ...sections(mrkdwn`:thought_balloon: *${question.text}*`, QUESTION_SECTIONS),
    // Ids or answers longer than Slack allows cannot make buttons: say so instead of going silent.
    answers ??
      context(
        mrkdwn`:warning: The answers are too long for Slack buttons; the job takes ${fallbackChoice} when the question times out.`,
      ),
  ]);
}

function questionAnsweredMessage(text: string, answer: string, userId: string): ChatMessage {
  return chatMessage(mrkdwn`Question: ${text} (answered ${answer} by ${userId})`, [
    section(
      mrkdwn`:thought_balloon: *${text}*\n:white_check_mark: ${userMention(userId)} answered *${answer}*`,
    ),
  ]);
}

/**
 * The pull request line of the final card: a link only to an https URL inside the project's own
 * repository (`repositoryUrl`); anything else is shown as text that says why it is not a link.
 */
function pullRequestLine(
  prUrl: string | undefined,
  repositoryUrl: string | undefined,
  draft: boolean,
): Mrkdwn {
  if (!prUrl) return mrkdwn``;
  const link = linkWithin(
    prUrl,
    draft ? 'View draft pull request' : 'View pull request',
    repositoryUrl,
  );
  return link.linked
    ? mrkdwn`\n:link: ${link.text}`
    : mrkdwn`\n:link: Pull request: ${link.text} _(not a link: not an https address in the project's repository)_`;
}

/** Final card of a successful job: PR link, cost, duration, changed files. */
export function doneCard(
  job: JobRef,
  done: Done,
  repositoryUrl?: string,
  phases: PhaseMarks = {},
): ChatMessage {
  const cost = formatCost(done.costUsd);
  const shown = done.changedFiles.slice(0, CHANGED_FILES_SHOWN).map(code);
  const files = shown.length === 0 ? mrkdwn`_none_` : joinMd(shown, ', ');
  const more =
    done.changedFiles.length > CHANGED_FILES_SHOWN
      ? mrkdwn` and ${done.changedFiles.length - CHANGED_FILES_SHOWN} more`
      : mrkdwn``;
  const unfinished = done.unfinished
    ? mrkdwn`\n:construction: *Unfinished* (draft pull request): ${done.unfinished}`
    : mrkdwn``;
  return chatMessage(mrkdwn`Done: ${done.summary}${done.prUrl ? ` ${done.prUrl}` : ''}`, [
    ...sections(
      mrkdwn`:white_check_mark: *Done: ${ticketLabel(job.ticketId)} in ${job.project}*\n${done.summary}${unfinished}${pullRequestLine(done.prUrl, repositoryUrl, done.unfinished !== undefined)}`,
      2,
    ),
    section(mrkdwn`*Changed files (${done.changedFiles.length}):* ${files}${more}`),
    context(
      mrkdwn`Cost: ${cost} · Duration: ${formatDuration(done.durationMs)} · Job ${job.jobId}`,
    ),
    ...phaseContext(phases),
  ]);
}

/** Error card: the step, the plain-language reason and a Retry button. */
export function errorCard(
  job: Extract<Notice, { kind: 'failed' }>['job'],
  error: ErrorEntry,
  phases: PhaseMarks = {},
): ChatMessage {
  if (error.outcome === 'cancelled' || job.cancelledBy) {
    const who = job.cancelledBy ? mrkdwn` by ${userMention(job.cancelledBy)}` : mrkdwn``;
    return chatMessage(mrkdwn`Job ${job.jobId} was cancelled`, [
      section(mrkdwn`:no_entry_sign: Job ${job.jobId} was cancelled${who}.`),
    ]);
  }
  const where =
    error.step > 0
      ? mrkdwn`step ${error.step}/${error.total} (${error.stepName})`
      : mrkdwn`${error.stepName || 'start-up'}`;
  const retry = actions([
    {
      actionId: RETRY_ACTION_ID,
      text: 'Retry',
      value: JSON.stringify({ project: job.project, ticketId: job.ticketId }),
    },
  ]);
  const blocks: Array<Block | undefined> = [
    section(
      mrkdwn`:x: *Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project} failed* at ${where}`,
    ),
    ...sections(reasonText(error.reason), REASON_SECTIONS),
    context(mrkdwn`Error code: ${code(error.code)}`),
    ...phaseContext(phases),
    retry,
  ];
  return chatMessage(mrkdwn`Job ${job.jobId} failed at ${error.stepName}: ${error.reason}`, blocks);
}

/** A reason with several lines (test output) reads best as a code block after its first line. */
function reasonText(reason: string): Mrkdwn {
  const newline = reason.indexOf('\n');
  if (newline < 0) return mrkdwn`${reason || 'No reason was given.'}`;
  return mrkdwn`${reason.slice(0, newline)}\n${codeBlock(reason.slice(newline + 1))}`;
}

/** Dollars with cents, as caps are configured. */
const dollars = (usd: number) => `$${usd.toFixed(2)}`;

function budgetRaised(notice: Extract<Notice, { kind: 'budget-raised' }>): ChatMessage {
  return iconMessage(
    mrkdwn`${userMention(notice.userId)} raised the LLM budget of job ${notice.jobId} to ${dollars(notice.capUsd)}.`,
    ':moneybag:',
  );
}

/** Why a new job of the project is refused: the cap, what was spent and when it resets. */
function dailyCapReached(notice: Extract<Notice, { kind: 'daily-cap-reached' }>): ChatMessage {
  const resets = new Date(notice.resetsAt).toISOString().slice(0, 16).replace('T', ' ');
  return iconMessage(
    mrkdwn`Not starting: project *${notice.project}* reached its daily LLM cap (${dollars(notice.spentUsd)} spent of ${dollars(notice.capUsd)}, ${code('agent.budget.daily_usd')}). The cap resets at ${resets} UTC.`,
    ':money_with_wings:',
  );
}

function alreadyRunningMessage(holder: ConversationState): ChatMessage {
  const text = mrkdwn`A job is already running in this channel: ${jobName(holder)}. Wait for it to finish or say \`cancel\`.`;
  return chatMessage(text, [section(mrkdwn`:hourglass: ${text}`)]);
}

function iconMessage(text: Mrkdwn, icon = ':information_source:'): ChatMessage {
  return chatMessage(text, [section(mrkdwn`${icon} ${text}`)]);
}

const HELP_INTROS = {
  greeting: 'Hi! I fix tickets and open pull requests. Try:',
  help: 'I fix tickets and open pull requests. Try:',
  unknown: "I didn't understand that. Try:",
};

/** The help text with examples: for a greeting, for `help`, or for a message not understood. */
function helpMessage(reason: keyof typeof HELP_INTROS = 'unknown'): ChatMessage {
  const text = mrkdwn`${HELP_INTROS[reason]}
• \`fix #58 in agent-smith-test\` (also \`fix ticket 58 in …\`, \`fix PROJ-58 in …\`)
• \`list tickets in agent-smith-test\`
• \`create ticket "Add logging" in agent-smith-test "optional description"\`
• \`status\` · \`cancel\` · \`help\``;
  return chatMessage(text, [section(text)]);
}

function unknownProjectMessage(
  project: string,
  known: string[],
  closest: string | undefined,
): ChatMessage {
  const hint = closest ? mrkdwn` Did you mean *${closest}*?` : mrkdwn``;
  const list = known.length > 0 ? joinMd(known.map(code), ', ') : mrkdwn`_none configured_`;
  const text = mrkdwn`I don't know the project *${project}*.${hint} Known projects: ${list}`;
  return chatMessage(text, [section(mrkdwn`:question: ${text}`)]);
}

function statusLine(notice: Extract<Notice, { kind: 'status' }>): ChatMessage {
  const { state, progress, costUsd } = notice;
  const step = progress
    ? mrkdwn`step ${progress.step}/${progress.total}: ${progress.label}`
    : mrkdwn`waiting for the agent to report its first step`;
  const cost = costUsd === undefined ? 'not known yet' : formatCost(costUsd);
  const text = mrkdwn`Job ${state.jobId} for ${ticketLabel(state.ticketId)} in ${state.project} — ${step} — running for ${formatDuration(notice.elapsedMs)}, cost so far: ${cost}.`;
  return chatMessage(text, [
    section(mrkdwn`:hourglass_flowing_sand: ${text}`),
    ...phaseContext(notice.phases ?? {}),
  ]);
}

function ticketList(notice: Extract<Notice, { kind: 'tickets' }>): ChatMessage {
  const { project, tickets, total } = notice;
  if (tickets.length === 0) {
    const text = mrkdwn`No open tickets in *${project}*.`;
    return chatMessage(text, [section(text)]);
  }
  const lines = tickets.map((ticket) => mrkdwn`• *${ticketLabel(ticket.id)}* — ${ticket.title}`);
  const rest = total - lines.length;
  const text = mrkdwn`:ticket: *Open tickets in ${project}* (${total}):\n${joinMd(lines, '\n')}${rest > 0 ? mrkdwn`\n…and ${rest} more` : mrkdwn``}`;
  return chatMessage(text, sections(text, 5));
}

/** "Ask @A or @B": the admins are the operator's own ids, so the mentions are ours. */
function whomToAsk(admins: string[]): Mrkdwn {
  const mentions = admins.slice(0, 5).map(userMention);
  return mentions.length > 0
    ? mrkdwn`Ask an admin (${joinMd(mentions, ', ')}) if you need it.`
    : mrkdwn`Ask whoever runs Agent Smith (SLACK_ADMIN_USERS) if you need it.`;
}

function accessRefusedMessage(notice: Extract<Notice, { kind: 'access-refused' }>): ChatMessage {
  const text = mrkdwn`I can't do ${code(notice.action)} for you: ${notice.reason}. ${whomToAsk(notice.admins)}`;
  return iconMessage(text, ':no_entry:');
}

function notJobOwnerMessage(notice: Extract<Notice, { kind: 'not-job-owner' }>): ChatMessage {
  const what = {
    cancel: 'cancel',
    answer: 'answer the questions of',
    'keep-waiting': 'keep waiting for',
  }[notice.action];
  const owner = notice.requestedBy
    ? userMention(notice.requestedBy)
    : mrkdwn`the person who started it`;
  const text = mrkdwn`Only ${owner} or an admin can ${what} job ${notice.jobId}. ${whomToAsk(notice.admins)}`;
  return iconMessage(text, ':no_entry:');
}

/** The newest audit records, one line each; every value is escaped and no id becomes a mention. */
function auditMessage(records: AuditRecord[]): ChatMessage {
  if (records.length === 0) return iconMessage(mrkdwn`The audit log is empty.`);
  const lines = records.map((record) => {
    const facts = [
      record.project ? `project ${record.project}` : '',
      record.ticketId ? `ticket ${record.ticketId}` : '',
      record.jobId ? `job ${record.jobId}` : '',
      record.costUsd === undefined ? '' : `cost ${formatCost(record.costUsd)}`,
    ].filter(Boolean);
    const line = `${new Date(record.at).toISOString()} ${record.userId} in ${record.channelId}: ${record.action} ${record.allowed ? 'allowed' : 'refused'} (${record.reason})${facts.length > 0 ? ` — ${facts.join(', ')}` : ''}`;
    return mrkdwn`• ${code(line)}`;
  });
  const text = mrkdwn`:scroll: *Audit log* (newest first, ${records.length}):\n${joinMd(lines, '\n')}`;
  return chatMessage(text, sections(text, 5));
}

function agentUnresponsiveMessage(
  notice: Extract<Notice, { kind: 'agent-unresponsive' }>,
): ChatMessage {
  const { job } = notice;
  const text = mrkdwn`The agent of job ${job.jobId} (${ticketLabel(job.ticketId)} in ${job.project}) is not responding: nothing from it for ${formatDuration(notice.silentMs)}. It will be stopped if it stays silent for another ${formatDuration(notice.timeoutMs)}.`;
  return chatMessage(text, [
    section(mrkdwn`:warning: ${text}`),
    actions([
      {
        actionId: UNRESPONSIVE_CANCEL_ACTION_ID,
        text: 'Cancel',
        value: job.jobId,
        style: 'danger',
      },
      { actionId: UNRESPONSIVE_WAIT_ACTION_ID, text: 'Keep waiting', value: job.jobId },
    ]),
  ]);
}

function agentUnresponsiveWithdrawnMessage(
  notice: Extract<Notice, { kind: 'agent-unresponsive-withdrawn' }>,
): ChatMessage {
  const text = notice.keptWaitingBy
    ? mrkdwn`Job ${notice.job.jobId}: waiting for the agent, as ${userMention(notice.keptWaitingBy)} chose.`
    : mrkdwn`Job ${notice.job.jobId}: the agent is responding again.`;
  return iconMessage(text, ':hourglass_flowing_sand:');
}

/** How each {@link Notice} looks in Slack. */
export function renderNotice(notice: Notice): ChatMessage {
  switch (notice.kind) {
    case 'help':
      return helpMessage(notice.reason);
    case 'no-job':
      return iconMessage(mrkdwn`No job is running in this channel.`);
    case 'command-failed':
      return iconMessage(mrkdwn`Something went wrong: ${notice.reason}`, ':x:');
    case 'projects-unreadable':
      return iconMessage(
        mrkdwn`I can't read my project configuration: ${notice.problem}`,
        ':warning:',
      );
    case 'unknown-project':
      return unknownProjectMessage(notice.requested, notice.known, notice.closest);
    case 'spawner-unavailable':
      return iconMessage(
        mrkdwn`I can't start jobs right now: ${notice.reason}. \`list\`, \`create\`, \`status\` and \`help\` still work.`,
        ':warning:',
      );
    case 'busy':
      return alreadyRunningMessage(notice.holder);
    case 'starting':
      return startingMessage(notice.job);
    case 'spawn-failed':
      return iconMessage(
        mrkdwn`Job ${notice.jobId} could not be started: ${notice.reason}. The channel is free again; try again or ask an operator.`,
        ':x:',
      );
    case 'cancelled':
      return iconMessage(
        mrkdwn`Job ${notice.jobId} cancelled by ${userMention(notice.userId)}.`,
        ':no_entry_sign:',
      );
    case 'status':
      return statusLine(notice);
    case 'tickets':
      return ticketList(notice);
    case 'tickets-failed': {
      const text = mrkdwn`:x: I couldn't list the tickets of *${notice.project}*: ${notice.reason}`;
      return chatMessage(text, [section(text)]);
    }
    case 'ticket-created': {
      const reference = ticketLabel(notice.ticket.id);
      return iconMessage(
        mrkdwn`Ticket *${reference}* ${notice.created ? 'created' : 'already open'} in *${notice.project}*: _${notice.ticket.title}_\nTo work on it: ${code(`fix ${reference} in ${notice.project}`)}`,
        ':white_check_mark:',
      );
    }
    case 'ticket-create-failed':
      return iconMessage(
        mrkdwn`I couldn't create the ticket in *${notice.project}*: ${notice.reason}`,
        ':x:',
      );
    case 'question-answered':
      return questionAnsweredMessage(notice.text, notice.answer, notice.userId);
    case 'progress':
      return statusMessage(notice.job, notice.progress);
    case 'finished':
      return finishedStatusMessage(notice.job, notice.outcome);
    case 'details':
      return detailMessage(notice.lines);
    case 'question':
      return questionMessage(notice.jobId, notice.question);
    case 'budget-raised':
      return budgetRaised(notice);
    case 'daily-cap-reached':
      return dailyCapReached(notice);
    case 'done':
      return doneCard(notice.job, notice.done, notice.repositoryUrl, notice.phases);
    case 'failed':
      return errorCard(notice.job, notice.error, notice.phases);
    case 'access-refused':
      return accessRefusedMessage(notice);
    case 'not-job-owner':
      return notJobOwnerMessage(notice);
    case 'audit':
      return auditMessage(notice.records);
    case 'egress-refused':
      return egressRefusedMessage(notice);
    case 'queued':
      return queuedMessage(notice);
    case 'job-in-the-way':
      return jobInTheWayMessage(notice.holder, notice.reason);
    case 'stopping':
      return iconMessage(
        mrkdwn`Job ${notice.jobId} cancelled by ${userMention(notice.userId)}; stopping it (it is killed after ${notice.graceSeconds} s). A new ${code('fix')} here waits until its container has exited, then starts by itself.`,
        ':no_entry_sign:',
      );
    case 'already-stopping':
      return iconMessage(
        mrkdwn`Job ${notice.jobId} is already stopping; the channel is free once its container has exited.`,
        ':hourglass:',
      );
    case 'queue-left':
      return iconMessage(
        mrkdwn`Job ${notice.jobId} was taken out of the queue by ${userMention(notice.userId)}; it will not start.`,
        ':no_entry_sign:',
      );
    case 'agent-unresponsive':
      return agentUnresponsiveMessage(notice);
    case 'agent-unresponsive-withdrawn':
      return agentUnresponsiveWithdrawnMessage(notice);
  }
}

/** A link to a job's thread (Slack redirects `slack.com/archives/…` to the workspace). */
function threadLink(channelId: string, threadTs: string | undefined, label: string): Mrkdwn {
  if (!threadTs || !/^[A-Z0-9]+$/.test(channelId) || !/^\d+\.\d+$/.test(threadTs))
    return mrkdwn`${label}`;
  const url = `https://slack.com/archives/${channelId}/p${threadTs.replace('.', '')}`;
  return linkWithin(url, label, 'https://slack.com/archives/').text;
}

function queuedMessage(notice: Extract<Notice, { kind: 'queued' }>): ChatMessage {
  const head = mrkdwn`Job ${notice.job.jobId} for ${ticketLabel(notice.job.ticketId)} in ${notice.job.project}`;
  const behind = notice.behindStopping;
  const why = behind
    ? mrkdwn`${threadLink(behind.channelId, behind.threadTs, `job ${behind.jobId}`)} is stopping; this one starts by itself once its container has exited`
    : mrkdwn`it starts by itself when a slot is free (say ${code('cancel')} to take it out of the queue)`;
  const fallback = mrkdwn`${head}: queued, position ${notice.position} of ${notice.length}; ${behind ? mrkdwn`job ${behind.jobId} is stopping; this one starts by itself once its container has exited` : why}.`;
  return chatMessage(fallback, [
    section(
      mrkdwn`:hourglass_flowing_sand: ${head}: *queued, position ${notice.position} of ${notice.length}*; ${why}.`,
    ),
  ]);
}

function jobInTheWayMessage(
  holder: Extract<Notice, { kind: 'job-in-the-way' }>['holder'],
  reason: 'channel' | 'ticket',
): ChatMessage {
  const what = `job ${holder.jobId} for ${ticketLabel(holder.ticketId)} in ${holder.project}`;
  const state = {
    queued: 'is already queued',
    running: 'is already running',
    stopping: 'is stopping',
  }[holder.status];
  const where = reason === 'channel' ? 'in this channel' : 'for this ticket (one job per ticket)';
  const advice =
    reason === 'channel'
      ? mrkdwn`Wait for it to finish or say ${code('cancel')}.`
      : mrkdwn`Follow it there; ask again once it has finished.`;
  return chatMessage(mrkdwn`A job ${state} ${where}: ${what}. ${advice}`, [
    section(
      mrkdwn`:hourglass: A job ${state} ${where}: ${threadLink(holder.channelId, holder.threadTs, what)}. ${advice}`,
    ),
  ]);
}
