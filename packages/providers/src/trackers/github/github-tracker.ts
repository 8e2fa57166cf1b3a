import { AppError, type Logger } from '@agentsmith/kit';
import type { CallOptions } from '../../call-options.js';
import { createGithubClient, githubError, githubStatus } from '../../github-api/github-client.js';
import type { GithubRepositoryName } from '../../github-api/github-repository.js';
import {
  GithubCommentList,
  GithubIssue,
  GithubIssueList,
  Ignored,
} from '../../github-api/schema.js';
import { ensureKeyedComment } from '../comment-key.js';
import { ensureTicketByTitle } from '../ensure-ticket.js';
import { peoplesComments } from '../ticket-comments.js';
import {
  DONE_STATE,
  MAX_TICKET_COMMENTS,
  type KeyedComment,
  type NewTicket,
  type Ticket,
  type TicketPage,
  type Tracker,
} from '../tracker.js';

/** Settings of {@link createGithubTracker}. */
export interface GithubTrackerSettings {
  repository: GithubRepositoryName;
  /** REST base URL (`githubApiBaseUrl`). */
  baseUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

const PAGE_SIZE = 100;
/** Listing stops counting after this many pages (10 000 issues and pull requests). */
const MAX_PAGES = 100;
const CODES = {
  accessCode: 'tracker_access_denied',
  failureCode: 'tracker_request_failed',
} as const;

/** GitHub issues as tickets. Pull requests, which the issues API also returns, are not tickets. */
export function createGithubTracker(settings: GithubTrackerSettings): Tracker {
  const client = createGithubClient(settings);
  const { owner, name } = settings.repository;
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const hasToken = Boolean(settings.token);
  const fail = (error: unknown, what: string) => githubError(error, what, CODES, hasToken);

  const issueNumber = (ticketId: string): number | null => {
    const match = /^#?(\d+)$/.exec(ticketId.trim());
    return match ? Number(match[1]) : null;
  };
  const requireNumber = (ticketId: string): number => {
    const number = issueNumber(ticketId);
    if (number === null) {
      throw new AppError('tracker_ticket_not_found', `"${ticketId}" is not a GitHub issue number.`);
    }
    return number;
  };

  const listOpen = async (limit: number, options: CallOptions): Promise<TicketPage> => {
    const tickets: Ticket[] = [];
    let total = 0;
    try {
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const issues = await client.get(`${repoPath}/issues`, GithubIssueList, {
          ...options,
          query: { state: 'open', sort: 'created', direction: 'desc', per_page: PAGE_SIZE, page },
        });
        for (const issue of issues) {
          if (issue.pull_request !== undefined) continue;
          total += 1;
          if (tickets.length < limit) tickets.push(toTicket(issue));
        }
        if (issues.length < PAGE_SIZE) break;
      }
    } catch (error) {
      throw fail(error, `list the open issues of ${owner}/${name}`);
    }
    return { tickets, total };
  };

  /** The issue's last comments: its last page (and the one before when that is short). */
  const newestComments = async (issue: GithubIssue, options: CallOptions) => {
    const path = `${repoPath}/issues/${issue.number}/comments`;
    const lastPage = Math.max(1, Math.ceil((issue.comments ?? 0) / PAGE_SIZE));
    const pages = lastPage > 1 ? [lastPage - 1, lastPage] : [1];
    const comments = [];
    for (const page of pages) {
      const batch = await client.get(path, GithubCommentList, {
        ...options,
        query: { per_page: PAGE_SIZE, page },
      });
      comments.push(...batch);
    }
    return peoplesComments(
      comments.slice(-MAX_TICKET_COMMENTS * 2).map((comment) => ({
        author: comment.user?.login ?? 'unknown',
        ...(comment.created_at ? { createdAt: comment.created_at } : {}),
        body: comment.body ?? '',
      })),
    );
  };

  return {
    type: 'github',

    async getTicket(ticketId: string, options: CallOptions = {}): Promise<Ticket | null> {
      const number = issueNumber(ticketId);
      if (number === null) return null;
      try {
        const issue = await client.get(`${repoPath}/issues/${number}`, GithubIssue, options);
        if (issue.pull_request !== undefined) return null;
        return { ...toTicket(issue), comments: await newestComments(issue, options) };
      } catch (error) {
        if (githubStatus(error) !== 404)
          throw fail(error, `read issue #${number} of ${owner}/${name}`);
      }
      // GitHub answers 404 for private repositories it hides from us: tell that apart.
      try {
        await client.get(repoPath, Ignored, options);
      } catch (error) {
        const status = githubStatus(error);
        if (status === 404 && !hasToken) {
          throw new AppError(
            'tracker_access_denied',
            `GitHub repository ${owner}/${name} was not found; if it is private, set GITHUB_TOKEN.`,
            { cause: error },
          );
        }
        if (status === 404) {
          throw new AppError(
            'tracker_access_denied',
            `GitHub repository ${owner}/${name} does not exist or GITHUB_TOKEN cannot see it.`,
            { cause: error },
          );
        }
        throw fail(error, `read repository ${owner}/${name}`);
      }
      return null;
    },

    listOpenTickets: (limit, options = {}) => listOpen(limit, options),

    ensureTicket(ticket: NewTicket, options: CallOptions = {}) {
      return ensureTicketByTitle(ticket, options, {
        listOpenTickets: (limit, listOptions) => listOpen(limit, listOptions),
        create: async (fresh, createOptions) => {
          try {
            const issue = await client.post(
              `${repoPath}/issues`,
              { title: fresh.title, body: fresh.description ?? '' },
              GithubIssue,
              createOptions,
            );
            return toTicket(issue);
          } catch (error) {
            throw fail(error, `create an issue in ${owner}/${name}`);
          }
        },
      });
    },

    async ensureComment(
      ticketId: string,
      comment: KeyedComment,
      options: CallOptions = {},
    ): Promise<{ created: boolean }> {
      const number = requireNumber(ticketId);
      const comments = `${repoPath}/issues/${number}/comments`;
      try {
        return await ensureKeyedComment(comment, {
          maxPages: MAX_PAGES,
          page: async (page) => {
            const batch = await client.get(comments, GithubCommentList, {
              ...options,
              query: { per_page: PAGE_SIZE, page },
            });
            return {
              texts: batch.map((earlier) => earlier.body ?? ''),
              more: batch.length === PAGE_SIZE,
            };
          },
          post: async (body) => {
            await client.post(comments, { body }, Ignored, options);
          },
        });
      } catch (error) {
        if (githubStatus(error) === 404) {
          throw new AppError(
            'tracker_ticket_not_found',
            `Issue #${number} was not found in ${owner}/${name}.`,
            { cause: error },
          );
        }
        throw fail(error, `comment on issue #${number} of ${owner}/${name}`);
      }
    },

    async transitionTicket(ticketId: string, state: string, options: CallOptions = {}) {
      const number = requireNumber(ticketId);
      let issue: Ticket;
      try {
        issue = toTicket(await client.get(`${repoPath}/issues/${number}`, GithubIssue, options));
      } catch (error) {
        if (githubStatus(error) === 404) {
          throw new AppError(
            'tracker_ticket_not_found',
            `Issue #${number} was not found in ${owner}/${name}.`,
            { cause: error },
          );
        }
        throw fail(error, `read issue #${number} of ${owner}/${name}`);
      }
      const closing = state.trim().toLowerCase() === DONE_STATE;
      if (closing ? issue.state === 'closed' : issue.labels.includes(state)) return;
      try {
        if (closing) {
          await client.patch(
            `${repoPath}/issues/${number}`,
            { state: 'closed', state_reason: 'completed' },
            Ignored,
            options,
          );
        } else {
          await client.post(
            `${repoPath}/issues/${number}/labels`,
            { labels: [state] },
            Ignored,
            options,
          );
        }
      } catch (error) {
        throw fail(error, `move issue #${number} of ${owner}/${name} to "${state}"`);
      }
    },
  };
}

function toTicket(issue: GithubIssue): Ticket {
  return {
    id: String(issue.number),
    title: issue.title,
    body: issue.body ?? '',
    url: issue.html_url,
    labels: issue.labels
      .map((label) => (typeof label === 'string' ? label : (label.name ?? '')))
      .filter((label) => label !== ''),
    state: issue.state,
  };
}
