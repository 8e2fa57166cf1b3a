import { AppError } from '@agentsmith/kit';
import type { z } from 'zod';
import type { CallOptions } from '../../call-options.js';
import { adfToText, markdownToAdf, markdownToWikiMarkup } from '../../jira-api/adf.js';
import {
  createJiraClient,
  jiraErrorContext,
  type JiraApiSettings,
} from '../../jira-api/jira-client.js';
import {
  Ignored,
  JiraCommentPageWithProperties,
  JiraCount,
  JiraCreatedIssue,
  JiraEntityProperty,
  JiraIssue,
  JiraSearchPage,
  JiraSearchResult,
  JiraTransitions,
} from '../../jira-api/schema.js';
import {
  httpStatus,
  projectNotFound,
  providerError,
  ticketNotFound,
} from '../../provider-error.js';
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

/** Settings of {@link createJiraTracker}. */
export interface JiraTrackerSettings extends JiraApiSettings {
  /** Project key, e.g. `PROJ`. */
  projectKey: string;
  /** Issue type of created tickets (default `Task`). */
  issueType?: string | undefined;
}

/** The entity property holding a comment's key: hidden from readers, returned by the API. */
export const JIRA_COMMENT_KEY_PROPERTY = 'agentsmith';
const FIELDS = 'summary,description,status,labels';
const COMMENT_PAGE = 100;
const MAX_COMMENT_PAGES = 50;

/**
 * Jira issues as tickets: REST v3 with Atlassian Document Format on Jira Cloud, REST v2 with
 * wiki text on Server / Data Center. `58` and `#58` mean `<project>-58`.
 */
export function createJiraTracker(settings: JiraTrackerSettings): Tracker {
  const client = createJiraClient(settings);
  const cloud = settings.apiVersion === '3';
  const project = settings.projectKey;
  const site = settings.siteUrl.replace(/\/+$/, '');
  const where = `Jira project ${project}`;
  const context = jiraErrorContext(settings, {
    accessCode: 'tracker_access_denied',
    failureCode: 'tracker_request_failed',
  });
  const fail = (error: unknown, what: string) => providerError(error, what, context);
  const richText = (markdown: string): unknown =>
    cloud ? markdownToAdf(markdown) : markdownToWikiMarkup(markdown);
  const openJql = `project = "${project}" AND statusCategory != Done ORDER BY created DESC`;

  const keyOf = (ticketId: string): string | null => {
    const reference = ticketId.trim();
    const number = /^#?(\d+)$/.exec(reference);
    if (number) return `${project}-${number[1]}`;
    return /^[A-Z][A-Z0-9_]*-\d+$/.test(reference) ? reference : null;
  };
  const requireKey = (ticketId: string): string => {
    const key = keyOf(ticketId);
    if (key === null)
      throw ticketNotFound(ticketId, `${where} (Jira keys look like ${project}-58)`);
    return key;
  };

  const toTicket = (issue: JiraIssue): Ticket => ({
    id: issue.key,
    title: issue.fields.summary,
    body: adfToText(issue.fields.description),
    url: `${site}/browse/${issue.key}`,
    labels: issue.fields.labels,
    state: issue.fields.status?.statusCategory?.key === 'done' ? 'closed' : 'open',
  });

  const readIssue = async (key: string, options: CallOptions): Promise<JiraIssue | null> => {
    try {
      return await client.get(`/issue/${encodeURIComponent(key)}`, JiraIssue, {
        ...options,
        query: { fields: FIELDS },
      });
    } catch (error) {
      if (httpStatus(error) !== 404) throw fail(error, `read issue ${key}`);
    }
    // Jira answers 404 when the credential may not browse the project too: tell that apart.
    try {
      await client.get(`/project/${encodeURIComponent(project)}`, Ignored, options);
    } catch (error) {
      if (httpStatus(error) === 404) throw projectNotFound(project, context, error);
      throw fail(error, `read project ${project}`);
    }
    return null;
  };

  const listOpen = async (limit: number, options: CallOptions): Promise<TicketPage> => {
    const maxResults = Math.min(Math.max(limit, 1), 100);
    try {
      if (cloud) {
        const page = await client.get('/search/jql', JiraSearchPage, {
          ...options,
          query: { jql: openJql, maxResults, fields: FIELDS },
        });
        // A POST that only reads: safe to repeat.
        const { count } = await client.post(
          '/search/approximate-count',
          { jql: openJql },
          JiraCount,
          options,
        );
        return { tickets: page.issues.slice(0, limit).map(toTicket), total: count };
      }
      const result = await client.get('/search', JiraSearchResult, {
        ...options,
        query: { jql: openJql, maxResults, startAt: 0, fields: FIELDS },
      });
      return { tickets: result.issues.slice(0, limit).map(toTicket), total: result.total };
    } catch (error) {
      throw fail(error, `list the open issues of ${project}`);
    }
  };

  /** The ticket's comments, with their entity properties on Cloud (`expand=properties`). */
  const ticketComments = async (key: string, options: CallOptions) => {
    const comments: z.infer<typeof JiraCommentPageWithProperties>['comments'] = [];
    for (let page = 0; page < MAX_COMMENT_PAGES; page += 1) {
      const batch = await client.get(
        `/issue/${encodeURIComponent(key)}/comment`,
        JiraCommentPageWithProperties,
        {
          ...options,
          query: {
            ...(cloud ? { expand: 'properties' } : {}),
            startAt: page * COMMENT_PAGE,
            maxResults: COMMENT_PAGE,
          },
        },
      );
      comments.push(...batch.comments);
      if (batch.comments.length === 0 || batch.startAt + batch.comments.length >= batch.total)
        break;
    }
    return comments;
  };

  const carriesKey = (value: unknown, commentKey: string): boolean =>
    (value as { key?: unknown } | null)?.key === commentKey;

  /**
   * Cloud returns the ticket's comments with their properties (`expand=properties`); Server /
   * Data Center does not, so each comment's `agentsmith` property is read (404: it has none).
   * Only the ticket's own comments are read: `POST /comment/list` would reach any comment by id.
   */
  const hasKeyedComment = async (key: string, commentKey: string, options: CallOptions) => {
    const comments = await ticketComments(key, options);
    if (cloud) {
      return comments.some((comment) =>
        comment.properties.some(
          (property) =>
            property.key === JIRA_COMMENT_KEY_PROPERTY && carriesKey(property.value, commentKey),
        ),
      );
    }
    for (const { id } of comments) {
      try {
        const property = await client.get(
          `/comment/${id}/properties/${JIRA_COMMENT_KEY_PROPERTY}`,
          JiraEntityProperty,
          options,
        );
        if (carriesKey(property.value, commentKey)) return true;
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
      }
    }
    return false;
  };

  /** Whether the agent wrote this comment: it carries the `agentsmith` entity property. */
  const isOwnComment = async (
    comment: Awaited<ReturnType<typeof ticketComments>>[number],
    options: CallOptions,
  ): Promise<boolean> => {
    if (cloud) {
      return comment.properties.some((property) => property.key === JIRA_COMMENT_KEY_PROPERTY);
    }
    try {
      await client.get(
        `/comment/${comment.id}/properties/${JIRA_COMMENT_KEY_PROPERTY}`,
        JiraEntityProperty,
        options,
      );
      return true;
    } catch (error) {
      if (httpStatus(error) === 404) return false;
      throw error;
    }
  };

  /** The newest people's comments, oldest first (Server reads the property of those only). */
  const peoplesCommentsOf = async (key: string, options: CallOptions) => {
    const picked = [];
    for (const comment of (await ticketComments(key, options)).reverse()) {
      if (picked.length >= MAX_TICKET_COMMENTS) break;
      if (await isOwnComment(comment, options)) continue;
      picked.unshift({
        author: comment.author?.displayName ?? 'unknown',
        ...(comment.created ? { createdAt: comment.created } : {}),
        body: adfToText(comment.body),
      });
    }
    return peoplesComments(picked);
  };

  return {
    type: 'jira',

    async getTicket(ticketId: string, options: CallOptions = {}): Promise<Ticket | null> {
      const key = keyOf(ticketId);
      if (key === null) return null;
      const issue = await readIssue(key, options);
      if (issue === null) return null;
      try {
        return { ...toTicket(issue), comments: await peoplesCommentsOf(issue.key, options) };
      } catch (error) {
        throw fail(error, `read the comments of ${issue.key}`);
      }
    },

    listOpenTickets: (limit, options = {}) => listOpen(limit, options),

    ensureTicket(ticket: NewTicket, options: CallOptions = {}) {
      return ensureTicketByTitle(ticket, options, {
        listOpenTickets: listOpen,
        create: async (fresh, createOptions) => {
          const description = fresh.description ?? '';
          try {
            const created = await client.post(
              '/issue',
              {
                fields: {
                  project: { key: project },
                  summary: fresh.title,
                  issuetype: { name: settings.issueType ?? 'Task' },
                  ...(description ? { description: richText(description) } : {}),
                },
              },
              JiraCreatedIssue,
              createOptions,
            );
            const issue = await readIssue(created.key, createOptions);
            if (issue === null) throw ticketNotFound(created.key, where);
            return toTicket(issue);
          } catch (error) {
            throw fail(error, `create an issue in ${project}`);
          }
        },
      });
    },

    async ensureComment(
      ticketId: string,
      comment: KeyedComment,
      options: CallOptions = {},
    ): Promise<{ created: boolean }> {
      const key = requireKey(ticketId);
      try {
        if (await hasKeyedComment(key, comment.key, options)) return { created: false };
        await client.post(
          `/issue/${encodeURIComponent(key)}/comment`,
          {
            body: richText(comment.body),
            properties: [{ key: JIRA_COMMENT_KEY_PROPERTY, value: { key: comment.key } }],
          },
          Ignored,
          options,
        );
        return { created: true };
      } catch (error) {
        if (httpStatus(error) === 404) throw ticketNotFound(key, where);
        throw fail(error, `comment on issue ${key}`);
      }
    },

    async transitionTicket(ticketId: string, state: string, options: CallOptions = {}) {
      const key = requireKey(ticketId);
      const issue = await readIssue(key, options);
      if (issue === null) throw ticketNotFound(key, where);
      const wanted = state.trim().toLowerCase();
      const closing = wanted === DONE_STATE;
      const status = issue.fields.status;
      if (status?.name.toLowerCase() === wanted) return;
      if (closing && status?.statusCategory?.key === 'done') return;
      let transitions: JiraTransitions['transitions'];
      try {
        transitions = (
          await client.get(
            `/issue/${encodeURIComponent(key)}/transitions`,
            JiraTransitions,
            options,
          )
        ).transitions;
      } catch (error) {
        throw fail(error, `read the transitions of ${key}`);
      }
      const chosen =
        transitions.find(
          (transition) =>
            transition.name.toLowerCase() === wanted ||
            transition.to?.name.toLowerCase() === wanted,
        ) ??
        (closing
          ? transitions.find((transition) => transition.to?.statusCategory?.key === 'done')
          : undefined);
      if (chosen === undefined) {
        const available = transitions
          .map(
            (transition) =>
              `"${transition.name}"${transition.to ? ` (to ${transition.to.name})` : ''}`,
          )
          .join(', ');
        throw new AppError(
          'tracker_transition_not_found',
          `Jira issue ${key} (status ${status?.name ?? 'unknown'}) has no transition "${state}"; available: ${available || 'none'}. Fix tickets.completed_state.`,
        );
      }
      try {
        await client.post(
          `/issue/${encodeURIComponent(key)}/transitions`,
          { transition: { id: chosen.id } },
          Ignored,
          options,
        );
      } catch (error) {
        throw fail(error, `move ${key} through "${chosen.name}"`);
      }
    },
  };
}
