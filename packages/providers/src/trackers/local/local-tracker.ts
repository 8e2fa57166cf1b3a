import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError, throwIfAborted } from '@agentsmith/kit';
import type { CallOptions } from '../../call-options.js';
import { hasCommentKey, withCommentKey } from '../comment-key.js';
import { peoplesComments } from '../ticket-comments.js';
import { ensureTicketByTitle } from '../ensure-ticket.js';
import {
  DONE_STATE,
  type KeyedComment,
  type NewTicket,
  type Ticket,
  type TicketPage,
  type Tracker,
} from '../tracker.js';
import {
  formatLocalComment,
  parseLocalComments,
  formatLocalTicket,
  parseLocalTicket,
  slugify,
} from './local-ticket-file.js';

/** Settings of {@link createLocalTracker}. */
export interface LocalTrackerSettings {
  /** Folder holding the ticket files; created on the first `createTicket`. */
  path: string;
  /** Clock for comment timestamps (tests). */
  now?: () => Date;
}

const TICKET_FILE = /^(\d+)(?:-[^/\\]*)?\.md$/;

/**
 * Tickets as markdown files in a folder, so the agent works with no SaaS at all. A ticket is
 * `<id>-<slug>.md` or `<id>.md` (numeric id) whose first line is `# Title`; the lines after it
 * are the description. `State: closed` and `Labels: a, b` lines are metadata; comments are
 * appended under a `## Comments` heading with a timestamp.
 */
export function createLocalTracker(settings: LocalTrackerSettings): Tracker {
  const folder = resolve(settings.path);
  const now = settings.now ?? (() => new Date());

  const files = async (): Promise<Map<number, string>> => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new AppError('tracker_request_failed', `Cannot read the ticket folder ${folder}`, {
        cause: error,
      });
    }
    const found = new Map<number, string>();
    for (const name of names.sort()) {
      const match = TICKET_FILE.exec(name);
      const id = Number(match?.[1]);
      if (match && !found.has(id)) found.set(id, name);
    }
    return found;
  };

  const fileOf = async (ticketId: string): Promise<string | null> => {
    const match = /^#?(\d+)$/.exec(ticketId.trim());
    if (!match) return null;
    const name = (await files()).get(Number(match[1]));
    return name === undefined ? null : join(folder, name);
  };

  const read = async (path: string, id: number): Promise<Ticket> => {
    const parsed = parseLocalTicket(await readFile(path, 'utf8'));
    return {
      id: String(id),
      title: parsed.title,
      body: parsed.body,
      url: pathToFileURL(path).href,
      labels: parsed.labels,
      state: parsed.state,
      comments: peoplesComments(parseLocalComments(parsed.comments)),
    };
  };

  const requireFile = async (ticketId: string): Promise<string> => {
    const path = await fileOf(ticketId);
    if (path === null) {
      throw new AppError('tracker_ticket_not_found', `Ticket ${ticketId} not found in ${folder}.`);
    }
    return path;
  };

  const update = async (ticketId: string, change: (text: string) => string): Promise<void> => {
    const path = await requireFile(ticketId);
    await writeFile(path, change(await readFile(path, 'utf8')));
  };

  const listOpen = async (limit: number, options: CallOptions): Promise<TicketPage> => {
    throwIfAborted(options.signal);
    const all = [...(await files()).entries()].sort(([a], [b]) => b - a);
    const open: Ticket[] = [];
    for (const [id, name] of all) {
      const ticket = await read(join(folder, name), id);
      if (ticket.state === 'open') open.push(ticket);
    }
    return { tickets: open.slice(0, Math.max(0, limit)), total: open.length };
  };

  const create = async (ticket: NewTicket, options: CallOptions): Promise<Ticket> => {
    throwIfAborted(options.signal);
    await mkdir(folder, { recursive: true });
    const text = formatLocalTicket({
      title: ticket.title.trim(),
      state: 'open',
      labels: [],
      body: ticket.description?.trim() ?? '',
      comments: '',
    });
    // `wx` fails when another writer took the same id first; then try the next one.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const id = Math.max(0, ...(await files()).keys()) + 1;
      const path = join(folder, `${id}-${slugify(ticket.title)}.md`);
      try {
        await writeFile(path, text, { flag: 'wx' });
        return await read(path, id);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new AppError('tracker_request_failed', `Could not allocate a ticket id in ${folder}.`);
  };

  return {
    type: 'local',

    async getTicket(ticketId: string, options: CallOptions = {}): Promise<Ticket | null> {
      throwIfAborted(options.signal);
      const path = await fileOf(ticketId);
      return path === null ? null : read(path, Number(ticketId.replace('#', '')));
    },

    listOpenTickets: (limit, options = {}) => listOpen(limit, options),

    ensureTicket(ticket: NewTicket, options: CallOptions = {}) {
      return ensureTicketByTitle(ticket, options, { listOpenTickets: listOpen, create });
    },

    async ensureComment(
      ticketId: string,
      comment: KeyedComment,
      options: CallOptions = {},
    ): Promise<{ created: boolean }> {
      throwIfAborted(options.signal);
      let created = false;
      await update(ticketId, (text) => {
        const parsed = parseLocalTicket(text);
        if (hasCommentKey(parsed.comments, comment.key)) return text;
        created = true;
        const block = formatLocalComment(withCommentKey(comment.body, comment.key), now());
        return formatLocalTicket({
          ...parsed,
          comments: parsed.comments === '' ? block : `${parsed.comments}\n\n${block}`,
        });
      });
      return { created };
    },

    async transitionTicket(ticketId: string, state: string, options: CallOptions = {}) {
      throwIfAborted(options.signal);
      const closing = state.trim().toLowerCase() === DONE_STATE;
      await update(ticketId, (text) => {
        const parsed = parseLocalTicket(text);
        if (closing) return formatLocalTicket({ ...parsed, state: 'closed' });
        if (parsed.labels.includes(state)) return text;
        return formatLocalTicket({ ...parsed, labels: [...parsed.labels, state] });
      });
    },
  };
}
