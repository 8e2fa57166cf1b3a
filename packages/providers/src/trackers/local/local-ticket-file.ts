/** The parts of a local ticket file (`# Title`, optional `State:`/`Labels:` lines, body, comments). */
export interface LocalTicketFile {
  title: string;
  state: 'open' | 'closed';
  labels: string[];
  body: string;
  comments: string;
}

const STATE_LINE = /^state:\s*(open|closed)\s*$/i;
const LABELS_LINE = /^labels:\s*(.*)$/i;
const COMMENTS_HEADING = /^## Comments\s*$/m;

/** Reads a ticket file; the title is the first `# ` line (or the first non-empty line). */
export function parseLocalTicket(text: string): LocalTicketFile {
  const normalized = text.replace(/\r\n/g, '\n');
  const split = COMMENTS_HEADING.exec(normalized);
  const main = split ? normalized.slice(0, split.index) : normalized;
  const comments = split ? normalized.slice(split.index + split[0].length).trim() : '';
  const lines = main.split('\n');
  const titleIndex = lines.findIndex((line) => line.trim() !== '');
  const title = (lines[titleIndex] ?? '').replace(/^#\s+/, '').trim();
  let state: 'open' | 'closed' = 'open';
  let labels: string[] = [];
  const bodyLines: string[] = [];
  for (const line of lines.slice(titleIndex + 1)) {
    const stateMatch = STATE_LINE.exec(line.trim());
    const labelsMatch = LABELS_LINE.exec(line.trim());
    if (stateMatch) state = (stateMatch[1] ?? 'open').toLowerCase() as 'open' | 'closed';
    else if (labelsMatch)
      labels = (labelsMatch[1] ?? '')
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean);
    else bodyLines.push(line);
  }
  return { title, state, labels, body: bodyLines.join('\n').trim(), comments };
}

/** Writes a ticket file back in the same layout. */
export function formatLocalTicket(ticket: LocalTicketFile): string {
  const header = [`# ${ticket.title}`, ''];
  if (ticket.state === 'closed') header.push('State: closed');
  if (ticket.labels.length > 0) header.push(`Labels: ${ticket.labels.join(', ')}`);
  if (header.length > 2) header.push('');
  const body = ticket.body === '' ? [] : [ticket.body, ''];
  const comments = ticket.comments === '' ? [] : ['## Comments', '', ticket.comments, ''];
  return [...header, ...body, ...comments].join('\n');
}

/** A comment block appended under `## Comments`. */
export function formatLocalComment(body: string, at: Date): string {
  return `### ${at.toISOString()}\n\n${body.trim()}`;
}

/**
 * The comment blocks under `## Comments`: each starts with `### <time>`, optionally followed by
 * the author (`### 2026-05-01 alice`); a block without one is by `local`.
 */
export function parseLocalComments(
  comments: string,
): { author: string; createdAt?: string; body: string }[] {
  return comments
    .split(/^### /m)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const newline = block.indexOf('\n');
      const heading = (newline === -1 ? block : block.slice(0, newline)).trim();
      const body = newline === -1 ? '' : block.slice(newline + 1).trim();
      const [createdAt, ...author] = heading.split(/\s+/);
      return {
        author: author.join(' ') || 'local',
        ...(createdAt ? { createdAt } : {}),
        body,
      };
    });
}

/** A file-name slug from a title: lower case, ASCII letters and digits joined by `-`. */
export function slugify(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return slug === '' ? 'ticket' : slug;
}
