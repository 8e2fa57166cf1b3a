import { AppError, type Logger } from '@agentsmith/kit';
import type { CallOptions } from '../../call-options.js';
import { createGithubClient, githubError, githubStatus } from '../../github-api/github-client.js';
import type { GithubRepositoryName } from '../../github-api/github-repository.js';
import {
  GithubPullRequest,
  GithubPullRequestList,
  GithubRepository,
} from '../../github-api/schema.js';
import type { CloneSource, GitHost, PullRequest, PullRequestInput } from '../git-host.js';

/** Settings of {@link createGithubGitHost}. */
export interface GithubGitHostSettings {
  repository: GithubRepositoryName;
  /** Clone URL without credentials, e.g. `https://github.com/org/repo.git`. */
  cloneUrl: string;
  /** REST base URL (`githubApiBaseUrl`). */
  baseUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  logger?: Logger | undefined;
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
}

/**
 * A GitHub repository as a git host: default branch from the API, and an idempotent
 * `ensurePullRequest` that finds the open PR of the head branch before creating one.
 */
export function createGithubGitHost(settings: GithubGitHostSettings): GitHost {
  const client = createGithubClient(settings);
  const { owner, name } = settings.repository;
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const hasToken = Boolean(settings.token);
  const fail = (
    error: unknown,
    what: string,
    failureCode: 'host_pull_request_failed' | 'source_checkout_failed' = 'host_pull_request_failed',
  ) => githubError(error, what, { accessCode: 'source_access_denied', failureCode }, hasToken);

  const findOpen = async (branch: string, options: CallOptions): Promise<PullRequest | null> => {
    try {
      const pulls = await client.get(`${repoPath}/pulls`, GithubPullRequestList, {
        ...options,
        query: { state: 'open', head: `${owner}:${branch}`, per_page: 10 },
      });
      const match = pulls.find((pull) => pull.head.ref === branch);
      return match === undefined ? null : toPullRequest(match);
    } catch (error) {
      throw fail(error, `look up the pull request of ${branch} in ${owner}/${name}`);
    }
  };

  return {
    type: 'github',

    cloneSource(): CloneSource {
      return {
        url: settings.cloneUrl,
        ...(settings.token
          ? { credentials: { username: 'x-access-token', password: settings.token } }
          : {}),
      };
    },

    async findDefaultBranch(options: CallOptions = {}): Promise<string | null> {
      try {
        return (await client.get(repoPath, GithubRepository, options)).default_branch;
      } catch (error) {
        if (githubStatus(error) === 404) {
          const hint = hasToken
            ? 'or GITHUB_TOKEN cannot see it'
            : '; if it is private, set GITHUB_TOKEN';
          throw new AppError(
            'source_access_denied',
            `GitHub repository ${owner}/${name} was not found ${hint}.`,
            {
              cause: error,
            },
          );
        }
        throw fail(error, `read repository ${owner}/${name}`, 'source_checkout_failed');
      }
    },

    async ensurePullRequest(
      input: PullRequestInput,
      options: CallOptions = {},
    ): Promise<{ pullRequest: PullRequest; created: boolean }> {
      const existing = await findOpen(input.head, options);
      if (existing !== null)
        return { pullRequest: await update(existing, input, options), created: false };
      try {
        const created = await client.post(
          `${repoPath}/pulls`,
          {
            title: input.title,
            head: input.head,
            base: input.base,
            body: input.body,
            ...(input.draft ? { draft: true } : {}),
          },
          GithubPullRequest,
          options,
        );
        return { pullRequest: toPullRequest(created), created: true };
      } catch (error) {
        // 422: someone opened it between our lookup and our create; converge on theirs.
        if (githubStatus(error) === 422) {
          const raced = await findOpen(input.head, options);
          if (raced !== null)
            return { pullRequest: await update(raced, input, options), created: false };
        }
        throw fail(
          error,
          `open a pull request from ${input.head} into ${input.base} in ${owner}/${name}`,
        );
      }
    },
  };

  async function update(
    existing: PullRequest,
    input: PullRequestInput,
    options: CallOptions,
  ): Promise<PullRequest> {
    if (existing.title === input.title && existing.body === input.body) return existing;
    try {
      const updated = await client.patch(
        `${repoPath}/pulls/${existing.number}`,
        { title: input.title, body: input.body },
        GithubPullRequest,
        options,
      );
      return toPullRequest(updated);
    } catch (error) {
      throw fail(error, `update pull request #${existing.number} in ${owner}/${name}`);
    }
  }
}

function toPullRequest(pull: GithubPullRequest): PullRequest {
  const merged = pull.merged === true || (pull.merged_at ?? null) !== null;
  return {
    number: pull.number,
    url: pull.html_url,
    head: pull.head.ref,
    base: pull.base.ref,
    title: pull.title,
    body: pull.body ?? '',
    state: merged ? 'merged' : pull.state,
    ...(pull.draft === undefined ? {} : { draft: pull.draft }),
  };
}
