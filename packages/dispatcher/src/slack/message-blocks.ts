import {
  formatCost,
  ticketLabel,
  type ConversationState,
  type Done,
  type ErrorEntry,
  type Question,
} from '@agentsmith/contracts';
import type { ChatMessage } from '../jobs/notifier.js';
import type { TrackedJob } from '../jobs/job-store.js';

/** `action_id` prefix of a question's answer buttons; `block_id` is `question:<jobId>:<questionId>`. */
export const ANSWER_ACTION_PREFIX = 'answer:';
export const RETRY_ACTION_ID = 'retry';
export const QUESTION_BLOCK_PREFIX = 'question:';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `1m 05s`, `2h 03m`, `12s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

export function progressBar(step: number, total: number): string {
  const filled = total > 0 ? Math.min(10, Math.round((step / total) * 10)) : 0;
  return `\`[${'█'.repeat(filled)}${'░'.repeat(10 - filled)}]\` ${step}/${total}`;
}

export function startingMessage(
  job: Pick<TrackedJob, 'jobId' | 'ticketId' | 'project'>,
): ChatMessage {
  const text = `Starting job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}`;
  return { text, blocks: [section(`:rocket: ${escape(text)}`)] };
}

/** The one status message of a job, edited in place as steps start. */
export function statusMessage(
  job: TrackedJob,
  progress: { step: number; total: number; label: string },
): ChatMessage {
  const head = `Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}`;
  const line = `*[${progress.step}/${progress.total}]* ${escape(progress.label)}`;
  return {
    text: `${head}: [${progress.step}/${progress.total}] ${progress.label}`,
    blocks: [
      section(`:gear: ${escape(head)}\n${line}\n${progressBar(progress.step, progress.total)}`),
    ],
  };
}

export function finishedStatusMessage(
  job: TrackedJob,
  outcome: 'succeeded' | 'failed' | 'cancelled',
): ChatMessage {
  const icon = { succeeded: ':white_check_mark:', failed: ':x:', cancelled: ':no_entry_sign:' }[
    outcome
  ];
  const text = `Job ${job.jobId} for ${ticketLabel(job.ticketId)} in ${job.project}: ${outcome}`;
  return { text, blocks: [section(`${icon} ${escape(text)}`)] };
}

export function detailMessage(lines: string[]): ChatMessage {
  const text = lines.join('\n');
  return { text, blocks: [context(escape(text).slice(0, 2900))] };
}

export function questionMessage(jobId: string, question: Question): ChatMessage {
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

export function questionAnsweredMessage(text: string, answer: string, userId: string): ChatMessage {
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
export function doneCard(job: TrackedJob, done: Done): ChatMessage {
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
export function errorCard(job: TrackedJob, error: ErrorEntry): ChatMessage {
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

export function alreadyRunningMessage(holder: ConversationState): ChatMessage {
  const text = `A job is already running in this channel: job ${holder.jobId} for ${ticketLabel(holder.ticketId)} in ${holder.project}. Wait for it to finish or say \`cancel\`.`;
  return { text, blocks: [section(`:hourglass: ${escape(text)}`)] };
}

export function plainMessage(text: string, icon = ':information_source:'): ChatMessage {
  return { text, blocks: [section(`${icon} ${text}`)] };
}

const HELP_INTROS = {
  greeting: 'Hi! I fix tickets and open pull requests. Try:',
  help: 'I fix tickets and open pull requests. Try:',
  unknown: "I didn't understand that. Try:",
};

/** The help text with examples: for a greeting, for `help`, or for a message not understood. */
export function helpMessage(reason: keyof typeof HELP_INTROS = 'unknown'): ChatMessage {
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

export function unknownProjectMessage(
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
