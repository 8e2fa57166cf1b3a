import type { Logger } from '@agentsmith/kit';
import type { CallOptions } from '../../call-options.js';
import {
  createGitlabClient,
  gitlabErrorContext,
  gitlabProjectRoute,
} from '../../gitlab-api/gitlab-client.js';
import {
  GitlabMergeRequest,
  GitlabMergeRequestList,
  GitlabProject,
} from '../../gitlab-api/schema.js';
import { httpStatus, projectNotFound, providerError } from '../../provider-error.js';
import type { CloneSource, GitHost, PullRequest, PullRequestInput } from '../git-host.js';

/** Settings of {@link createGitlabGitHost}. */
export interface GitlabGitHostSettings {
  /** `<instance>/api/v4`. */
  apiUrl: string;
  /** `group/sub/project`. */
  projectPath: string;
  /** Clone URL without credentials. */
  cloneUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * A GitLab project as a git host: default branch from the project, and merge requests ensured
 * (the open MR of the source branch is updated; a 409 "already exists" converges on it).
 */
export function createGitlabGitHost(settings: GitlabGitHostSettings): GitHost {
  const client = createGitlabClient(settings);
  const project = gitlabProjectRoute(settings.projectPath);
  const name = settings.projectPath;
  const context = gitlabErrorContext(Boolean(settings.token), {
    accessCode: 'source_access_denied',
    failureCode: 'host_pull_request_failed',
  });
  const fail = (error: unknown, what: string) => providerError(error, what, context);

  const findOpen = async (branch: string, options: CallOptions): Promise<PullRequest | null> => {
    try {
      const requests = await client.get(`${project}/merge_requests`, GitlabMergeRequestList, {
        ...options,
        query: { state: 'opened', source_branch: branch, per_page: 20 },
      });
      const match = requests.find((request) => request.source_branch === branch);
      return match === undefined ? null : toPullRequest(match);
    } catch (error) {
      throw fail(error, `look up the merge request of ${branch} in ${name}`);
    }
  };

  const update = async (
    existing: PullRequest,
    input: PullRequestInput,
    options: CallOptions,
  ): Promise<PullRequest> => {
    const title = mergeRequestTitle(input);
    if (existing.title === title && existing.body === input.body) return existing;
    try {
      const updated = await client.request(
        'PUT',
        `${project}/merge_requests/${existing.number}`,
        GitlabMergeRequest,
        { title, description: input.body },
        options,
      );
      return toPullRequest(updated);
    } catch (error) {
      throw fail(error, `update merge request !${existing.number} in ${name}`);
    }
  };

  return {
    type: 'gitlab',

    cloneSource(): CloneSource {
      return {
        url: settings.cloneUrl,
        ...(settings.token
          ? { credentials: { username: 'oauth2', password: settings.token } }
          : {}),
      };
    },

    async findDefaultBranch(options: CallOptions = {}): Promise<string | null> {
      try {
        return (await client.get(project, GitlabProject, options)).default_branch ?? null;
      } catch (error) {
        if (httpStatus(error) === 404) throw projectNotFound(name, context, error);
        throw providerError(error, `read project ${name}`, {
          ...context,
          failureCode: 'source_checkout_failed',
        });
      }
    },

    async ensurePullRequest(input: PullRequestInput, options: CallOptions = {}) {
      const existing = await findOpen(input.head, options);
      if (existing !== null) {
        return { pullRequest: await update(existing, input, options), created: false };
      }
      try {
        const created = await client.post(
          `${project}/merge_requests`,
          {
            source_branch: input.head,
            target_branch: input.base,
            title: mergeRequestTitle(input),
            description: input.body,
          },
          GitlabMergeRequest,
          options,
        );
        return { pullRequest: toPullRequest(created), created: true };
      } catch (error) {
        // 409: "Another open merge request already exists for this source branch".
        if (httpStatus(error) === 409) {
          const raced = await findOpen(input.head, options);
          if (raced !== null) {
            return { pullRequest: await update(raced, input, options), created: false };
          }
        }
        throw fail(error, `open a merge request from ${input.head} into ${input.base} in ${name}`);
      }
    },
  };
}

/** GitLab has no draft field: a title starting with `Draft:` makes the merge request a draft. */
function mergeRequestTitle(input: PullRequestInput): string {
  return input.draft && !/^\s*(\[draft\]|\(draft\)|draft:)/i.test(input.title)
    ? `Draft: ${input.title}`
    : input.title;
}

function toPullRequest(request: GitlabMergeRequest): PullRequest {
  return {
    number: request.iid,
    url: request.web_url,
    head: request.source_branch,
    base: request.target_branch,
    title: request.title,
    body: request.description ?? '',
    state: request.state === 'merged' ? 'merged' : request.state === 'opened' ? 'open' : 'closed',
    ...(request.draft === undefined ? {} : { draft: request.draft }),
  };
}
