import { z } from 'zod';

/** The fields of a Jira issue we read; `description` is ADF (v3) or wiki text (v2). */
export const JiraIssue = z.object({
  id: z.string(),
  key: z.string(),
  fields: z.object({
    summary: z.string(),
    description: z.unknown().optional(),
    labels: z.array(z.string()).optional().default([]),
    status: z
      .object({
        name: z.string(),
        statusCategory: z.object({ key: z.string() }).optional(),
      })
      .optional(),
  }),
});
export type JiraIssue = z.infer<typeof JiraIssue>;

/** `GET /rest/api/3/search/jql` (Cloud): token-paginated, no total. */
export const JiraSearchPage = z.object({
  issues: z.array(JiraIssue),
  nextPageToken: z.string().nullish(),
});

/** `GET /rest/api/2/search` (Server / Data Center): offset-paginated with a total. */
export const JiraSearchResult = z.object({
  issues: z.array(JiraIssue),
  total: z.number().int(),
});

export const JiraCount = z.object({ count: z.number().int() });

export const JiraCreatedIssue = z.object({ id: z.string(), key: z.string() });

/**
 * `GET /issue/{key}/comment`: a page of the ticket's comments, with their entity properties when
 * asked for (`expand=properties`, Cloud; absent on Server / Data Center).
 */
export const JiraCommentPageWithProperties = z.object({
  comments: z.array(
    z.object({
      id: z.string(),
      /** ADF (v3) or wiki text (v2). */
      body: z.unknown().optional(),
      author: z.object({ displayName: z.string().nullish() }).nullish(),
      created: z.string().optional(),
      properties: z
        .array(z.object({ key: z.string(), value: z.unknown() }))
        .optional()
        .default([]),
    }),
  ),
  total: z.number().int(),
  startAt: z.number().int(),
  maxResults: z.number().int(),
});

/** `GET /comment/{id}/properties/{key}` (Server / Data Center). */
export const JiraEntityProperty = z.object({ key: z.string(), value: z.unknown() });

export const JiraTransitions = z.object({
  transitions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      to: z
        .object({
          name: z.string(),
          statusCategory: z.object({ key: z.string() }).optional(),
        })
        .optional(),
    }),
  ),
});
export type JiraTransitions = z.infer<typeof JiraTransitions>;

export const Ignored = z.unknown();
