import { z } from 'zod';

/** The fields of a GitLab project we read. */
export const GitlabProject = z.object({
  id: z.number().int(),
  path_with_namespace: z.string(),
  /** Null for an empty repository. */
  default_branch: z.string().nullish(),
  web_url: z.string(),
});

export const GitlabIssue = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  state: z.string(),
  web_url: z.string(),
  labels: z.array(z.string()).optional().default([]),
});
export type GitlabIssue = z.infer<typeof GitlabIssue>;
export const GitlabIssueList = z.array(GitlabIssue);

export const GitlabIssuesStatistics = z.object({
  statistics: z.object({ counts: z.object({ opened: z.number().int() }) }),
});

export const GitlabNote = z.object({
  id: z.number().int(),
  body: z.string(),
  author: z.object({ username: z.string(), name: z.string().nullish() }).nullish(),
  created_at: z.string().optional(),
  /** GitLab's own notes (label changes, mentions), not people's comments. */
  system: z.boolean().optional(),
});
export const GitlabNoteList = z.array(GitlabNote);

export const GitlabMergeRequest = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  /** opened, closed, locked or merged. */
  state: z.string(),
  web_url: z.string(),
  source_branch: z.string(),
  target_branch: z.string(),
  /** GitLab 15+: true when the title marks a draft. */
  draft: z.boolean().optional(),
});
export type GitlabMergeRequest = z.infer<typeof GitlabMergeRequest>;
export const GitlabMergeRequestList = z.array(GitlabMergeRequest);

export const Ignored = z.unknown();
