import { z } from 'zod';

/** The fields of a GitHub repository we read. */
export const GithubRepository = z.object({
  default_branch: z.string(),
  private: z.boolean().optional(),
});
export type GithubRepository = z.infer<typeof GithubRepository>;

/** The fields of a GitHub issue we read; `pull_request` marks a pull request. */
export const GithubIssue = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  html_url: z.string(),
  labels: z
    .array(z.union([z.string(), z.object({ name: z.string().nullish() })]))
    .optional()
    .default([]),
  pull_request: z.unknown().optional(),
  /** How many comments the issue has. */
  comments: z.number().int().optional(),
});
export type GithubIssue = z.infer<typeof GithubIssue>;

export const GithubIssueList = z.array(GithubIssue);

/** The fields of a GitHub pull request we read. */
export const GithubPullRequest = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  merged: z.boolean().nullish(),
  merged_at: z.string().nullish(),
  draft: z.boolean().optional(),
  html_url: z.string(),
  head: z.object({ ref: z.string() }),
  base: z.object({ ref: z.string() }),
});
export type GithubPullRequest = z.infer<typeof GithubPullRequest>;

export const GithubPullRequestList = z.array(GithubPullRequest);

/** An issue comment; only the text is read (for the comment key). */
export const GithubCommentList = z.array(
  z.object({
    id: z.number().int(),
    body: z.string().nullish(),
    user: z.object({ login: z.string() }).nullish(),
    created_at: z.string().optional(),
  }),
);

/** Responses whose content we do not read. */
export const Ignored = z.unknown();
