import {
  formatCost,
  ticketLabel,
  type ConversationState,
  type Done,
  type ErrorEntry,
  type Question,
} from '@agentsmith/contracts';
import { formatDuration } from '../jobs/format-duration.js';
import type { JobRef, Notice, ProgressFacts } from '../jobs/notices.js';

/** A Slack message: fallback text plus Block Kit blocks. */
export interface ChatMessage {
  text: string;
  blocks?: unknown[];
}

/** `action_id` prefix of a question's answer buttons; `block_id` is `question:<jobId>:<questionId>`. */
export const ANSWER_ACTION_PREFIX = 'answer:';
export const RETRY_ACTION_ID = 'retry';
export const QUESTION_BLOCK_PREFIX = 'question:';
/** Buttons of the "agent is not responding" notice; their value is the job id. */
export const UNRESPONSIVE_CANCEL_ACTION_ID = 'unresponsive:cancel';
export const UNRESPONSIVE_WAIT_ACTION_ID = 'unresponsive:wait';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function progressBar(step: number, total: number): string {
  const filled = total > 0 ? Math.min(10, Math.round((step / total) * 10)) : 0;
  return `\`[${'█'.repeat(filled)}${'░'.repeat(10 - filled)}]\` ${step}/${total}`;
}

function startingMessage(job: JobRef): ChatMessage {
  const text = `Starting job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}`;
  return { text, blocks: [section(`:rocket: ${escape(text)}`)] };
}

/** The one status message of a job, edited in place as steps start. */
function statusMessage(job: JobRef, progress: ProgressFacts): ChatMessage {
  const head = `Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}`;
  const line = `*[${progress.step}/${progress.total}]* ${escape(progress.label)}`;
  return {
    text: `${head}: [${progress.step}/${progress.total}] ${progress.label}`,
    blocks: [
      section(`:gear: ${escape(head)}\n${line}\n${progressBar(progress.step, progress.total)}`),
    ],
  };
}

function finishedStatusMessage(
  job: JobRef,
  outcome: 'succeeded' | 'failed' | 'cancelled',
): ChatMessage {
  const icon = { succeeded: ':white_check_mark:', failed: ':x:', cancelled: ':no_entry_sign:' }[
    outcome
  ];
  const text = `Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}: ${outcome}`;
  return { text, blocks: [section(`${icon} ${escape(text)}`)] };
}

function detailMessage(lines: string[]): ChatMessage {
  const text = lines.join('\n');
  return { text, blocks: [context(escape(text).slice(0, 2900))] };
}

function questionMessage(jobId: string, question: Question): ChatMessage {
  return {
    text: `Question: ${question.text}`,
    blocks: [
      section(`:thought_balloon: *${escape(question.text)}*`),
      {
        type: 'actions',
        block_id: `${QUESTION_BLOCK_PREFIX}${jobId}:${question.questionId}`,
        elements: question.choices.slice(0, 5).map((choice, index) => ({
          type: 'button',
          action_id: `${ANSWER_ACTION_PREFIX}${index}`,
          text: { type: 'plain_text', text: choice.slice(0, 75) },
          value: choice,
          ...(index === 0 ? { style: 'primary' } : {}),
        })),
      },
    ],
  };
}

function questionAnsweredMessage(text: string, answer: string, userId: string): ChatMessage {
  return {
    text: `Question: ${text} (answered ${answer} by ${userId})`,
    blocks: [
      section(
        `:thought_balloon: *${escape(text)}*\n:white_check_mark: <@${userId}> answered *${escape(answer)}*`,
      ),
    ],
  };
}

/** Final card of a successful job: PR link, cost, duration, changed files. */
export function doneCard(job: JobRef, done: Done): ChatMessage {
  const cost = formatCost(done.costUsd);
  const files =
    done.changedFiles.length === 0
      ? '_none_'
      : done.changedFiles
          .slice(0, 20)
          .map((file) => `\`${escape(file)}\``)
          .join(', ');
  const more = done.changedFiles.length > 20 ? ` and ${done.changedFiles.length - 20} more` : '';
  const pr = done.prUrl ? `\n:link: <${done.prUrl}|View pull request>` : '';
  return {
    text: `Done: ${done.summary}${done.prUrl ? ` ${done.prUrl}` : ''}`,
    blocks: [
      section(
        `:white_check_mark: *Done: ${escape(ticketLabel(job.ticketId))} in ${escape(job.project)}*\n${escape(done.summary)}${pr}`,
      ),
      section(`*Changed files (${done.changedFiles.length}):* ${files}${more}`),
      context(`Cost: ${cost} · Duration: ${formatDuration(done.durationMs)} · Job ${job.jobId}`),
    ],
  };
}

/** Error card: the step, the plain-language reason and a Retry button. */
export function errorCard(
  job: Extract<Notice, { kind: 'failed' }>['job'],
  error: ErrorEntry,
): ChatMessage {
  if (error.outcome === 'cancelled' || job.cancelledBy) {
    const who = job.cancelledBy ? ` by <@${job.cancelledBy}>` : '';
    return {
      text: `Job ${job.jobId} was cancelled`,
      blocks: [section(`:no_entry_sign: Job ${job.jobId} was cancelled${who}.`)],
    };
  }
  const where =
    error.step > 0
      ? `step ${error.step}/${error.total} (${escape(error.stepName)})`
      : escape(error.stepName || 'start-up');
  return {
    text: `Job ${job.jobId} failed at ${error.stepName}: ${error.reason}`,
    blocks: [
      section(
        `:x: *Job ${job.jobId} for ${escape(ticketLabel(job.ticketId))} in ${escape(job.project)} failed* at ${where}\n${escape(error.reason)}`,
      ),
      context(`Error code: \`${escape(error.code)}\``),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: RETRY_ACTION_ID,
            text: { type: 'plain_text', text: 'Retry' },
            value: JSON.stringify({ project: job.project, ticketId: job.ticketId }),
          },
        ],
      },
    ],
  };
}

function alreadyRunningMessage(holder: ConversationState): ChatMessage {
  const text = `A job is already running in this channel: job ${holder.jobId} for ${ticketLabel(holder.ticketId)} in ${holder.project}. Wait for it to finish or say \`cancel\`.`;
  return { text, blocks: [section(`:hourglass: ${escape(text)}`)] };
}

function plainMessage(text: string, icon = ':information_source:'): ChatMessage {
  return { text, blocks: [section(`${icon} ${text}`)] };
}

const HELP_INTROS = {
  greeting: 'Hi! I fix tickets and open pull requests. Try:',
  help: 'I fix tickets and open pull requests. Try:',
  unknown: "I didn't understand that. Try:",
};

/** The help text with examples: for a greeting, for `help`, or for a message not understood. */
function helpMessage(reason: keyof typeof HELP_INTROS = 'unknown'): ChatMessage {
  const intro = HELP_INTROS[reason];
  const examples = [
    '`fix #58 in agent-smith-test` (also `fix ticket 58 in …`, `fix PROJ-58 in …`)',
    '`list tickets in agent-smith-test`',
    '`create ticket "Add logging" in agent-smith-test "optional description"`',
    '`status` · `cancel` · `help`',
  ];
  const text = `${intro}\n${examples.map((line) => `• ${line}`).join('\n')}`;
  return { text, blocks: [section(text)] };
}

function unknownProjectMessage(
  project: string,
  known: string[],
  closest: string | undefined,
): ChatMessage {
  const hint = closest ? ` Did you mean *${escape(closest)}*?` : '';
  const list =
    known.length > 0 ? known.map((name) => `\`${escape(name)}\``).join(', ') : '_none configured_';
  const text = `I don't know the project *${escape(project)}*.${hint} Known projects: ${list}`;
  return { text, blocks: [section(`:question: ${text}`)] };
}

function statusLine(notice: Extract<Notice, { kind: 'status' }>): ChatMessage {
  const { state, progress, costUsd } = notice;
  const step = progress
    ? `step ${progress.step}/${progress.total}: ${progress.label}`
    : 'waiting for the agent to report its first step';
  const cost = costUsd === undefined ? 'not known yet' : formatCost(costUsd);
  const text = `Job ${state.jobId} for ${ticketLabel(state.ticketId)} in ${state.project} — ${step} — running for ${formatDuration(notice.elapsedMs)}, cost so far: ${cost}.`;
  return plainMessage(text, ':hourglass_flowing_sand:');
}

function mrkdwnOnly(text: string): ChatMessage {
  return { text, blocks: [section(text.slice(0, 2900))] };
}

function ticketList(notice: Extract<Notice, { kind: 'tickets' }>): ChatMessage {
  const { project, tickets, total } = notice;
  if (tickets.length === 0) return mrkdwnOnly(`No open tickets in *${project}*.`);
  const lines = tickets.map((ticket) => `• *${ticketLabel(ticket.id)}* — ${ticket.title}`);
  const rest = total - lines.length;
  return mrkdwnOnly(
    `:ticket: *Open tickets in ${project}* (${total}):\n${lines.join('\n')}${rest > 0 ? `\n…and ${rest} more` : ''}`,
  );
}

function agentUnresponsiveMessage(
  notice: Extract<Notice, { kind: 'agent-unresponsive' }>,
): ChatMessage {
  const { job } = notice;
  const text = `The agent of job ${job.jobId} (${ticketLabel(job.ticketId)} in ${job.project}) is not responding: nothing from it for ${formatDuration(notice.silentMs)}. It will be stopped if it stays silent for another ${formatDuration(notice.timeoutMs)}.`;
  return {
    text,
    blocks: [
      section(`:warning: ${escape(text)}`),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: UNRESPONSIVE_CANCEL_ACTION_ID,
            text: { type: 'plain_text', text: 'Cancel' },
            value: job.jobId,
            style: 'danger',
          },
          {
            type: 'button',
            action_id: UNRESPONSIVE_WAIT_ACTION_ID,
            text: { type: 'plain_text', text: 'Keep waiting' },
            value: job.jobId,
          },
        ],
      },
    ],
  };
}

function agentUnresponsiveWithdrawnMessage(
  notice: Extract<Notice, { kind: 'agent-unresponsive-withdrawn' }>,
): ChatMessage {
  const text = notice.keptWaitingBy
    ? `Job ${notice.job.jobId}: waiting for the agent, as <@${notice.keptWaitingBy}> chose.`
    : `Job ${notice.job.jobId}: the agent is responding again.`;
  return plainMessage(text, ':hourglass_flowing_sand:');
}

/** How each {@link Notice} looks in Slack. */
export function renderNotice(notice: Notice): ChatMessage {
  switch (notice.kind) {
    case 'help':
      return helpMessage(notice.reason);
    case 'no-job':
      return plainMessage('No job is running in this channel.');
    case 'command-failed':
      return plainMessage(`Something went wrong: ${notice.reason}`, ':x:');
    case 'projects-unreadable':
      return plainMessage(`I can't read my project configuration: ${notice.problem}`, ':warning:');
    case 'unknown-project':
      return unknownProjectMessage(notice.requested, notice.known, notice.closest);
    case 'spawner-unavailable':
      return plainMessage(
        `I can't start jobs right now: ${notice.reason}. \`list\`, \`create\`, \`status\` and \`help\` still work.`,
        ':warning:',
      );
    case 'busy':
      return alreadyRunningMessage(notice.holder);
    case 'starting':
      return startingMessage(notice.job);
    case 'spawn-failed':
      return plainMessage(
        `Job ${notice.jobId} could not be started: ${notice.reason}. The channel is free again; try again or ask an operator.`,
        ':x:',
      );
    case 'cancelled':
      return plainMessage(
        `Job ${notice.jobId} cancelled by <@${notice.userId}>.`,
        ':no_entry_sign:',
      );
    case 'status':
      return statusLine(notice);
    case 'tickets':
      return ticketList(notice);
    case 'tickets-failed':
      return mrkdwnOnly(`:x: I couldn't list the tickets of *${notice.project}*: ${notice.reason}`);
    case 'ticket-created': {
      const reference = ticketLabel(notice.ticket.id);
      return plainMessage(
        `Ticket *${reference}* ${notice.created ? 'created' : 'already open'} in *${notice.project}*: _${notice.ticket.title}_\nTo work on it: \`fix ${reference} in ${notice.project}\``,
        ':white_check_mark:',
      );
    }
    case 'ticket-create-failed':
      return plainMessage(
        `I couldn't create the ticket in *${notice.project}*: ${notice.reason}`,
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
    case 'done':
      return doneCard(notice.job, notice.done);
    case 'failed':
      return errorCard(notice.job, notice.error);
    case 'agent-unresponsive':
      return agentUnresponsiveMessage(notice);
    case 'agent-unresponsive-withdrawn':
      return agentUnresponsiveWithdrawnMessage(notice);
  }
}
