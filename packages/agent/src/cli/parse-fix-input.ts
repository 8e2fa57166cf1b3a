import type { FixTicketIntent } from '@agentsmith/contracts';
import { AppError } from '@agentsmith/kit';

/** Words around the ticket and project that carry no meaning ("fix ticket #58 in my-project"). */
const NOISE_WORDS = new Set([
  'fix',
  'resolve',
  'close',
  'implement',
  'add',
  'update',
  'ticket',
  'issue',
  'in',
  'for',
  'please',
]);

/** `#58`, `58` or a Jira key such as `PROJ-58` (upper-case project key). */
const TICKET_PATTERN = /^(?:#?(\d+)|([A-Z][A-Z0-9_]*-\d+))$/;
const PROJECT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Parses the agent's input line: `fix #58 in my-project`, `fix 58 in my-project`,
 * `fix PROJ-58 in my-project`, `#58 my-project`, `resolve ticket #42 in api-v2`.
 * The project is the word after `in` when there is one, else the first word that is neither the
 * ticket nor a noise word; project names keep their digits and case.
 * Throws an `AppError` with code `usage_invalid_input` naming what is missing.
 */
export function parseFixInput(input: string): FixTicketIntent {
  const words = input
    .trim()
    .replace(/^@\S+\s+/, '')
    .split(/\s+/)
    .map((word) => word.replace(/[,;:!?]+$/, ''))
    .filter(Boolean);
  if (words.length === 0) throw usageError('the input is empty', input);

  const ticketIndex = words.findIndex((word) => TICKET_PATTERN.test(word));
  if (ticketIndex < 0) throw usageError('no ticket number (#58, 58 or PROJ-58) found', input);
  const match = TICKET_PATTERN.exec(words[ticketIndex] ?? '');
  const ticketId = match?.[1] ?? match?.[2] ?? '';

  const rest = words.filter((_, index) => index !== ticketIndex);
  const inIndex = rest.findIndex((word) => word.toLowerCase() === 'in');
  const afterIn = inIndex >= 0 ? rest[inIndex + 1] : undefined;
  const project =
    afterIn ??
    rest.find((word) => !NOISE_WORDS.has(word.toLowerCase()) && PROJECT_PATTERN.test(word));
  if (!project || !PROJECT_PATTERN.test(project)) {
    throw usageError('no project name found', input);
  }
  return { ticketId, project };
}

function usageError(problem: string, input: string): AppError {
  return new AppError(
    'usage_invalid_input',
    `Could not understand "${input}": ${problem}. Write it as: fix #58 in my-project`,
  );
}
