import { AppError } from '@agentsmith/kit';
import type { CallOptions } from '../../call-options.js';
import {
  AZURE_API_VERSION,
  AZURE_COMMENTS_API_VERSION,
  azureDevOpsErrorContext,
  azureProjectRoute,
  createAzureDevOpsClient,
  JSON_PATCH,
  type AzureDevOpsApiSettings,
} from '../../azure-devops-api/azure-devops-client.js';
import { htmlToText, textToHtml } from '../../azure-devops-api/html-text.js';
import {
  AzureCommentPage,
  AzureWiqlResult,
  AzureWorkItem,
  AzureWorkItemList,
  AzureWorkItemTypes,
  Ignored,
  type AzureWorkItemState,
} from '../../azure-devops-api/schema.js';
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
  MAX_TICKET_COMMENTS,
  type KeyedComment,
  type NewTicket,
  type Ticket,
  type TicketPage,
  type Tracker,
} from '../tracker.js';

/** Settings of {@link createAzureBoardsTracker}. */
export interface AzureBoardsTrackerSettings extends AzureDevOpsApiSettings {
  project: string;
  /** Type of created work items (default `Task`, which every process has). */
  workItemType?: string | undefined;
}

/** State categories of a finished work item. */
const FINISHED = new Set(['Completed', 'Removed']);
/** The work items API reads at most 200 ids per call. */
const BATCH = 200;
const MAX_COMMENT_PAGES = 50;

/**
 * Azure Boards work items as tickets. Open means "not in a Completed or Removed state category";
 * the categories come from the project's work item types, never from hard-coded state names.
 */
export function createAzureBoardsTracker(settings: AzureBoardsTrackerSettings): Tracker {
  const client = createAzureDevOpsClient(settings);
  const project = azureProjectRoute(settings.project);
  const where = `Azure DevOps project ${settings.project}`;
  const context = azureDevOpsErrorContext(
    Boolean(settings.token),
    { accessCode: 'tracker_access_denied', failureCode: 'tracker_request_failed' },
    'the Work Items (Read & write) scope',
  );
  const fail = (error: unknown, what: string) => providerError(error, what, context);
  const version = { 'api-version': AZURE_API_VERSION };
  let typeStates: Promise<Map<string, AzureWorkItemState[]>> | undefined;

  const statesByType = (options: CallOptions): Promise<Map<string, AzureWorkItemState[]>> => {
    typeStates ??= client
      .get(`${project}/_apis/wit/workitemtypes`, AzureWorkItemTypes, { ...options, query: version })
      .then((types) => new Map(types.value.map((type) => [type.name, type.states])))
      .catch((error: unknown) => {
        typeStates = undefined;
        if (httpStatus(error) === 404) throw projectNotFound(settings.project, context, error);
        throw fail(error, `read the work item types of ${settings.project}`);
      });
    return typeStates;
  };

  const toTicket = async (item: AzureWorkItem, options: CallOptions): Promise<Ticket> => {
    const states = (await statesByType(options)).get(item.fields['System.WorkItemType']) ?? [];
    const category = states.find((state) => state.name === item.fields['System.State'])?.category;
    return {
      id: String(item.id),
      title: item.fields['System.Title'],
      body: htmlToText(item.fields['System.Description'] ?? ''),
      ...(item._links?.html ? { url: item._links.html.href } : {}),
      labels: (item.fields['System.Tags'] ?? '')
        .split(';')
        .map((tag) => tag.trim())
        .filter(Boolean),
      state: category !== undefined && FINISHED.has(category) ? 'closed' : 'open',
    };
  };

  /** The newest comments, people's only, oldest first (HTML comments as text). */
  const newestComments = async (id: number, options: CallOptions) => {
    try {
      const page = await client.get(
        `${project}/_apis/wit/workItems/${id}/comments`,
        AzureCommentPage,
        {
          ...options,
          query: {
            'api-version': AZURE_COMMENTS_API_VERSION,
            $top: MAX_TICKET_COMMENTS * 2,
            order: 'desc',
          },
        },
      );
      return peoplesComments(
        page.comments.reverse().map((comment) => ({
          author: comment.createdBy?.displayName ?? 'unknown',
          ...(comment.createdDate ? { createdAt: comment.createdDate } : {}),
          body:
            comment.format === 'markdown' ? (comment.text ?? '') : htmlToText(comment.text ?? ''),
        })),
      );
    } catch (error) {
      throw fail(error, `read the comments of work item ${id}`);
    }
  };

  const idOf = (ticketId: string): number | null => {
    const match = /^#?(\d+)$/.exec(ticketId.trim());
    return match ? Number(match[1]) : null;
  };
  const requireId = (ticketId: string): number => {
    const id = idOf(ticketId);
    if (id === null) throw ticketNotFound(ticketId, `${where} (work items are numbers: 58 or #58)`);
    return id;
  };

  const readItem = async (id: number, options: CallOptions): Promise<AzureWorkItem | null> => {
    try {
      return await client.get(`${project}/_apis/wit/workitems/${id}`, AzureWorkItem, {
        ...options,
        query: version,
      });
    } catch (error) {
      if (httpStatus(error) !== 404) throw fail(error, `read work item ${id}`);
    }
    await statesByType(options); // a missing or hidden project answers 404 here too
    return null;
  };

  const listOpen = async (limit: number, options: CallOptions): Promise<TicketPage> => {
    const finished = new Set<string>();
    for (const states of (await statesByType(options)).values()) {
      for (const state of states) if (FINISHED.has(state.category)) finished.add(state.name);
    }
    const excluded = [...finished].map((name) => `'${name.replace(/'/g, "''")}'`).join(', ');
    const query = [
      'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project',
      excluded ? ` AND [System.State] NOT IN (${excluded})` : '',
      ' ORDER BY [System.CreatedDate] DESC, [System.Id] DESC',
    ].join('');
    try {
      // WIQL is a POST that only reads: safe to repeat.
      const { workItems } = await client.post(
        `${project}/_apis/wit/wiql`,
        { query },
        AzureWiqlResult,
        {
          ...options,
          query: version,
        },
      );
      const ids = workItems.slice(0, Math.max(0, Math.min(limit, BATCH))).map((item) => item.id);
      if (ids.length === 0) return { tickets: [], total: workItems.length };
      const { value } = await client.get(`${project}/_apis/wit/workitems`, AzureWorkItemList, {
        ...options,
        query: { ids: ids.join(','), ...version },
      });
      const byId = new Map(value.map((item) => [item.id, item]));
      const tickets: Ticket[] = [];
      for (const id of ids) {
        const item = byId.get(id);
        if (item) tickets.push(await toTicket(item, options));
      }
      return { tickets, total: workItems.length };
    } catch (error) {
      throw fail(error, `list the open work items of ${settings.project}`);
    }
  };

  return {
    type: 'azuredevops',

    async getTicket(ticketId: string, options: CallOptions = {}): Promise<Ticket | null> {
      const id = idOf(ticketId);
      if (id === null) return null;
      const item = await readItem(id, options);
      if (item === null) return null;
      return { ...(await toTicket(item, options)), comments: await newestComments(id, options) };
    },

    listOpenTickets: (limit, options = {}) => listOpen(limit, options),

    ensureTicket(ticket: NewTicket, options: CallOptions = {}) {
      const type = settings.workItemType ?? 'Task';
      return ensureTicketByTitle(ticket, options, {
        listOpenTickets: listOpen,
        create: async (fresh, createOptions) => {
          const patch = [
            { op: 'add', path: '/fields/System.Title', value: fresh.title },
            ...(fresh.description
              ? [
                  {
                    op: 'add',
                    path: '/fields/System.Description',
                    value: textToHtml(fresh.description),
                  },
                ]
              : []),
          ];
          try {
            const item = await client.post(
              `${project}/_apis/wit/workitems/$${encodeURIComponent(type)}`,
              patch,
              AzureWorkItem,
              { ...createOptions, headers: JSON_PATCH, query: version },
            );
            return await toTicket(item, createOptions);
          } catch (error) {
            throw fail(error, `create a ${type} work item in ${settings.project}`);
          }
        },
      });
    },

    async ensureComment(
      ticketId: string,
      comment: KeyedComment,
      options: CallOptions = {},
    ): Promise<{ created: boolean }> {
      const id = requireId(ticketId);
      const comments = `${project}/_apis/wit/workItems/${id}/comments`;
      try {
        let continuationToken: string | undefined;
        return await ensureKeyedComment(comment, {
          maxPages: MAX_COMMENT_PAGES,
          page: async () => {
            const batch = await client.get(comments, AzureCommentPage, {
              ...options,
              query: {
                'api-version': AZURE_COMMENTS_API_VERSION,
                $top: 200,
                ...(continuationToken ? { continuationToken } : {}),
              },
            });
            continuationToken = batch.continuationToken ?? undefined;
            return {
              texts: batch.comments.map((earlier) => earlier.text ?? ''),
              more: continuationToken !== undefined,
            };
          },
          post: async (text) => {
            await client.post(comments, { text }, Ignored, {
              ...options,
              query: { format: 'markdown', 'api-version': AZURE_COMMENTS_API_VERSION },
            });
          },
        });
      } catch (error) {
        if (httpStatus(error) === 404) throw ticketNotFound(String(id), where);
        throw fail(error, `comment on work item ${id}`);
      }
    },

    async transitionTicket(ticketId: string, state: string, options: CallOptions = {}) {
      const id = requireId(ticketId);
      const item = await readItem(id, options);
      if (item === null) throw ticketNotFound(String(id), where);
      const type = item.fields['System.WorkItemType'];
      const states = (await statesByType(options)).get(type) ?? [];
      const wanted = state.trim().toLowerCase();
      const target =
        states.find((candidate) => candidate.name.toLowerCase() === wanted) ??
        (wanted === DONE_STATE
          ? states.find((candidate) => candidate.category === 'Completed')
          : undefined);
      if (target === undefined) {
        const names = states
          .map((candidate) => `${candidate.name} (${candidate.category})`)
          .join(', ');
        throw new AppError(
          'tracker_state_not_found',
          wanted === DONE_STATE
            ? `Work item type "${type}" of ${settings.project} has no state in the Completed category (states: ${names || 'none'}).`
            : `Work item type "${type}" of ${settings.project} has no state "${state}" (states: ${names || 'none'}). Fix tickets.completed_state.`,
        );
      }
      if (item.fields['System.State'] === target.name) return;
      try {
        await client.patch(
          `${project}/_apis/wit/workitems/${id}`,
          [{ op: 'add', path: '/fields/System.State', value: target.name }],
          Ignored,
          { ...options, headers: JSON_PATCH, query: version },
        );
      } catch (error) {
        throw fail(error, `move work item ${id} to "${target.name}"`);
      }
    },
  };
}
