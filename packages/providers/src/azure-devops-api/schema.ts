import { z } from 'zod';

export const AzureWorkItem = z.object({
  id: z.number().int(),
  fields: z.object({
    'System.Title': z.string(),
    'System.State': z.string(),
    'System.WorkItemType': z.string(),
    /** HTML. */
    'System.Description': z.string().nullish(),
    /** `a; b`. */
    'System.Tags': z.string().nullish(),
  }),
  _links: z.object({ html: z.object({ href: z.string() }).optional() }).optional(),
});
export type AzureWorkItem = z.infer<typeof AzureWorkItem>;

export const AzureWorkItemList = z.object({ value: z.array(AzureWorkItem) });

export const AzureWiqlResult = z.object({
  workItems: z.array(z.object({ id: z.number().int() })),
});

export const AzureWorkItemState = z.object({
  name: z.string(),
  /** Proposed, InProgress, Resolved, Completed or Removed. */
  category: z.string(),
});
export type AzureWorkItemState = z.infer<typeof AzureWorkItemState>;

export const AzureWorkItemTypes = z.object({
  value: z.array(
    z.object({
      name: z.string(),
      states: z.array(AzureWorkItemState).optional().default([]),
    }),
  ),
});

export const AzureCommentPage = z.object({
  comments: z.array(
    z.object({
      id: z.number().int(),
      text: z.string().nullish(),
      /** `markdown` or `html`. */
      format: z.string().nullish(),
      createdBy: z.object({ displayName: z.string().nullish() }).nullish(),
      createdDate: z.string().optional(),
    }),
  ),
  continuationToken: z.string().nullish(),
});

export const AzureRepository = z.object({
  id: z.string(),
  name: z.string(),
  /** `refs/heads/main`; absent for an empty repository. */
  defaultBranch: z.string().nullish(),
});

export const AzurePullRequest = z.object({
  pullRequestId: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  /** active, abandoned or completed. */
  status: z.string(),
  sourceRefName: z.string(),
  targetRefName: z.string(),
  isDraft: z.boolean().optional(),
});
export type AzurePullRequest = z.infer<typeof AzurePullRequest>;

export const AzurePullRequestList = z.object({ value: z.array(AzurePullRequest) });

export const Ignored = z.unknown();
