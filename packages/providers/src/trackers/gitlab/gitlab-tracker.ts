import type { Logger } from '@agentsmith/kit';
import type { CallOptions } from '../../call-options.js';
import {
  createGitlabClient,
  gitlabErrorContext,
  gitlabProjectRoute,
} from '../../gitlab-api/gitlab-client.js';
import {
  GitlabIssue,
  GitlabIssueList,
  GitlabIssuesStatistics,
  GitlabNoteList,
  GitlabProject,
  Ignored,
} from '../../gitlab-api/schema.js';
import {
  httpStatus,
  projectNotFound,
  providerError,
  ticketNotFound,
} from '../../provider-error.js';
import { ensureKeyedComment } from '../comment-key.js';
import { ensureTicketByTitle } from '../ensure-ticket.js';
import { peoplesComments } from '../ticket-comments.js';
import {
  DONE_STATE,
  type KeyedComment,
  type NewTicket,
  type Ticket,
  type TicketPage,
  type Tracker,
} from '../tracker.js';

/** Settings of {@link createGitlabTracker}. */
export interface GitlabTrackerSettings {
  /** `<instance>/api/v4`. */
  apiUrl: string;
  /** `group/sub/project`. */
  projectPath: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

const PAGE_SIZE = 100;
/** Comment pages read when looking for an earlier keyed comment (10 000 notes). */
const MAX_NOTE_PAGES = 100;

/** GitLab issues as tickets, by their project-local `iid`. */
export function createGitlabTracker(settings: GitlabTrackerSettings): Tracker {
  const client = createGitlabClient(settings);
  const project = gitlabProjectRoute(settings.projectPath);
  const where = `GitLab project ${settings.projectPath}`;
  const context = gitlabErrorContext(Boolean(settings.token), {
    accessCode: 'tracker_access_denied',
    failureCode: 'tracker_request_failed',
  });
  const fail = (error: unknown, what: string) => providerError(error, what, context);

  const iidOf = (ticketId: string): number | null => {
    const match = /^#?(\d+)$/.exec(ticketId.trim());
    return match ? Number(match[1]) : null;
  };
  const requireIid = (ticketId: string): number => {
    const iid = iidOf(ticketId);
    if (iid === null)
      throw ticketNotFound(ticketId, `${where} (GitLab issues are numbers: 58 or #58)`);
    return iid;
  };

  const readIssue = async (iid: number, options: CallOptions): Promise<GitlabIssue | null> => {
    try {
      return await client.get(`${project}/issues/${iid}`, GitlabIssue, options);
    } catch (error) {
      if (httpStatus(error) !== 404)
        throw fail(error, `read issue #${iid} of ${settings.projectPath}`);
    }
    // GitLab answers 404 for projects the token cannot see too: tell that apart.
    try {
      await client.get(project, GitlabProject, options);
    } catch (error) {
      if (httpStatus(error) === 404) throw projectNotFound(settings.projectPath, context, error);
      throw fail(error, `read project ${settings.projectPath}`);
    }
    return null;
  };

  /** The newest notes, people's only (GitLab's system notes left out), oldest first. */
  const newestNotes = async (iid: number, options: CallOptions) => {
    try {
      const notes = await client.get(`${project}/issues/${iid}/notes`, GitlabNoteList, {
        ...options,
        query: { sort: 'desc', order_by: 'created_at', per_page: PAGE_SIZE, page: 1 },
      });
      return peoplesComments(
        notes
          .filter((note) => note.system !== true)
          .reverse()
          .map((note) => ({
            author: note.author?.name || note.author?.username || 'unknown',
            ...(note.created_at ? { createdAt: note.created_at } : {}),
            body: note.body,
          })),
      );
    } catch (error) {
      throw fail(error, `read the notes of issue #${iid} of ${settings.projectPath}`);
    }
  };

  const listOpen = async (limit: number, options: CallOptions): Promise<TicketPage> => {
    try {
      const issues = await client.get(`${project}/issues`, GitlabIssueList, {
        ...options,
        query: {
          state: 'opened',
          order_by: 'created_at',
          sort: 'desc',
          per_page: Math.min(Math.max(limit, 1), PAGE_SIZE),
          page: 1,
        },
      });
      const statistics = await client.get(`${project}/issues_statistics`, GitlabIssuesStatistics, {
        ...options,
        query: { scope: 'all' },
      });
      return {
        tickets: issues.slice(0, Math.max(0, limit)).map(toTicket),
        total: statistics.statistics.counts.opened,
      };
    } catch (error) {
      throw fail(error, `list the open issues of ${settings.projectPath}`);
    }
  };

  return {
    type: 'gitlab',

    async getTicket(ticketId: string, options: CallOptions = {}): Promise<Ticket | null> {
      const iid = iidOf(ticketId);
      if (iid === null) return null;
      const issue = await readIssue(iid, options);
      if (issue === null) return null;
      return { ...toTicket(issue), comments: await newestNotes(iid, options) };
    },

    listOpenTickets: (limit, options = {}) => listOpen(limit, options),

    ensureTicket(ticket: NewTicket, options: CallOptions = {}) {
      return ensureTicketByTitle(ticket, options, {
        listOpenTickets: listOpen,
        create: async (fresh, createOptions) => {
          try {
            const issue = await client.post(
              `${project}/issues`,
              { title: fresh.title, description: fresh.description ?? '' },
              GitlabIssue,
              createOptions,
            );
            return toTicket(issue);
          } catch (error) {
            throw fail(error, `create an issue in ${settings.projectPath}`);
          }
        },
      });
    },

    async ensureComment(
      ticketId: string,
      comment: KeyedComment,
      options: CallOptions = {},
    ): Promise<{ created: boolean }> {
      const iid = requireIid(ticketId);
      const notes = `${project}/issues/${iid}/notes`;
      try {
        return await ensureKeyedComment(comment, {
          maxPages: MAX_NOTE_PAGES,
          page: async (page) => {
            const batch = await client.get(notes, GitlabNoteList, {
              ...options,
              query: { sort: 'asc', order_by: 'created_at', per_page: PAGE_SIZE, page },
            });
            return { texts: batch.map((note) => note.body), more: batch.length === PAGE_SIZE };
          },
          post: async (body) => {
            await client.post(notes, { body }, Ignored, options);
          },
        });
      } catch (error) {
        if (httpStatus(error) === 404) throw ticketNotFound(ticketId, where);
        throw fail(error, `comment on issue #${iid} of ${settings.projectPath}`);
      }
    },

    async transitionTicket(ticketId: string, state: string, options: CallOptions = {}) {
      const iid = requireIid(ticketId);
      const issue = await readIssue(iid, options);
      if (issue === null) throw ticketNotFound(ticketId, where);
      const closing = state.trim().toLowerCase() === DONE_STATE;
      if (closing ? issue.state === 'closed' : issue.labels.includes(state)) return;
      try {
        await client.request(
          'PUT',
          `${project}/issues/${iid}`,
          Ignored,
          closing ? { state_event: 'close' } : { add_labels: state },
          options,
        );
      } catch (error) {
        throw fail(error, `move issue #${iid} of ${settings.projectPath} to "${state}"`);
      }
    },
  };
}

function toTicket(issue: GitlabIssue): Ticket {
  return {
    id: String(issue.iid),
    title: issue.title,
    body: issue.description ?? '',
    url: issue.web_url,
    labels: issue.labels,
    state: issue.state === 'opened' ? 'open' : 'closed',
  };
}
