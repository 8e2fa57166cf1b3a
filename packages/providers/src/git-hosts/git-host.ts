import type { CallOptions } from '../call-options.js';

export interface PullRequest {
  /** The host's number: GitHub PR number, GitLab MR iid, Azure Repos pull request id. */
  number: number;
  url: string;
  head: string;
  base: string;
  title: string;
  /** The description, when the host returned it. */
  body?: string;
  state: 'open' | 'closed' | 'merged';
  /** True for a draft, when the host said so. */
  draft?: boolean;
}

export interface PullRequestInput {
  /** Branch with the change, e.g. `fix/58`. */
  head: string;
  /** Branch to merge into (the default branch). */
  base: string;
  title: string;
  body: string;
  /**
   * Open it as a draft (work the agent could not finish): GitHub `draft: true`, GitLab's `Draft:`
   * title prefix, Azure Repos `isDraft: true`. An existing pull request keeps its state.
   */
  draft?: boolean;
}

/** Where a repository is cloned from and how git authenticates (never in argv or URLs). */
export interface CloneSource {
  /** Clone URL without credentials, or a local path. */
  url: string;
  /** Username/password for git's credential helper; undefined for public or local repos. */
  credentials?: { username: string; password: string };
}

/**
 * A git host (GitHub, GitLab, Azure Repos, or a local repository). Side effects are idempotent:
 * `ensurePullRequest` finds the open pull/merge request of the branch before creating one, and
 * converges on it when the host answers that one already exists.
 */
export interface GitHost {
  readonly type: string;
  cloneSource(): CloneSource;
  /** The default branch as the host reports it; null when the host cannot tell (use git's HEAD). */
  findDefaultBranch(options?: CallOptions): Promise<string | null>;
  /** Returns the open PR for `input.head`, updating it, or creates one. `created` tells which. */
  ensurePullRequest(
    input: PullRequestInput,
    options?: CallOptions,
  ): Promise<{ pullRequest: PullRequest; created: boolean }>;
}
