import type { CallOptions } from '../../call-options.js';
import {
  AZURE_API_VERSION,
  azureDevOpsErrorContext,
  azureProjectRoute,
  createAzureDevOpsClient,
  type AzureDevOpsApiSettings,
} from '../../azure-devops-api/azure-devops-client.js';
import type { AzureReposLocation } from '../../azure-devops-api/azure-repos-location.js';
import {
  AzurePullRequest,
  AzurePullRequestList,
  AzureRepository,
} from '../../azure-devops-api/schema.js';
import { httpStatus, projectNotFound, providerError } from '../../provider-error.js';
import type { CloneSource, GitHost, PullRequest, PullRequestInput } from '../git-host.js';

/** Settings of {@link createAzureReposGitHost}. */
export interface AzureReposGitHostSettings extends Omit<AzureDevOpsApiSettings, 'organizationUrl'> {
  location: AzureReposLocation;
  /** Clone URL without credentials. */
  cloneUrl: string;
}

/** Azure Repos rejects longer pull request descriptions. */
const MAX_DESCRIPTION = 4000;
const HEADS = 'refs/heads/';

/**
 * An Azure Repos repository as a git host: default branch from the repository, pull requests
 * ensured (the active PR of the source branch is updated; "already exists" converges on it).
 */
export function createAzureReposGitHost(settings: AzureReposGitHostSettings): GitHost {
  const { organizationUrl, project, repository } = settings.location;
  const client = createAzureDevOpsClient({ ...settings, organizationUrl });
  const repoRoute = `${azureProjectRoute(project)}/_apis/git/repositories/${encodeURIComponent(repository)}`;
  const name = `${project}/${repository}`;
  const webUrl = `${organizationUrl}/${encodeURIComponent(project)}/_git/${encodeURIComponent(repository)}`;
  const context = azureDevOpsErrorContext(
    Boolean(settings.token),
    { accessCode: 'source_access_denied', failureCode: 'host_pull_request_failed' },
    'the Code (Read & write) scope',
  );
  const fail = (error: unknown, what: string) => providerError(error, what, context);
  const version = { 'api-version': AZURE_API_VERSION };

  const toPullRequest = (pull: AzurePullRequest): PullRequest => ({
    number: pull.pullRequestId,
    url: `${webUrl}/pullrequest/${pull.pullRequestId}`,
    head: pull.sourceRefName.replace(HEADS, ''),
    base: pull.targetRefName.replace(HEADS, ''),
    title: pull.title,
    body: pull.description ?? '',
    state: pull.status === 'completed' ? 'merged' : pull.status === 'active' ? 'open' : 'closed',
    ...(pull.isDraft === undefined ? {} : { draft: pull.isDraft }),
  });

  const findActive = async (branch: string, options: CallOptions): Promise<PullRequest | null> => {
    try {
      const { value } = await client.get(`${repoRoute}/pullrequests`, AzurePullRequestList, {
        ...options,
        query: {
          'searchCriteria.sourceRefName': `${HEADS}${branch}`,
          'searchCriteria.status': 'active',
          ...version,
        },
      });
      const match = value.find((pull) => pull.sourceRefName === `${HEADS}${branch}`);
      return match === undefined ? null : toPullRequest(match);
    } catch (error) {
      throw fail(error, `look up the pull request of ${branch} in ${name}`);
    }
  };

  const update = async (
    existing: PullRequest,
    input: PullRequestInput,
    options: CallOptions,
  ): Promise<PullRequest> => {
    const description = input.body.slice(0, MAX_DESCRIPTION);
    if (existing.title === input.title && existing.body === description) return existing;
    try {
      const updated = await client.patch(
        `${repoRoute}/pullrequests/${existing.number}`,
        { title: input.title, description },
        AzurePullRequest,
        { ...options, query: version },
      );
      return toPullRequest(updated);
    } catch (error) {
      throw fail(error, `update pull request ${existing.number} in ${name}`);
    }
  };

  return {
    type: 'azurerepos',

    cloneSource(): CloneSource {
      return {
        url: settings.cloneUrl,
        ...(settings.token
          ? { credentials: { username: 'agentsmith', password: settings.token } }
          : {}),
      };
    },

    async findDefaultBranch(options: CallOptions = {}): Promise<string | null> {
      try {
        const repo = await client.get(repoRoute, AzureRepository, { ...options, query: version });
        return repo.defaultBranch ? repo.defaultBranch.replace(HEADS, '') : null;
      } catch (error) {
        if (httpStatus(error) === 404) throw projectNotFound(name, context, error);
        throw providerError(error, `read repository ${name}`, {
          ...context,
          failureCode: 'source_checkout_failed',
        });
      }
    },

    async ensurePullRequest(input: PullRequestInput, options: CallOptions = {}) {
      const existing = await findActive(input.head, options);
      if (existing !== null) {
        return { pullRequest: await update(existing, input, options), created: false };
      }
      try {
        const created = await client.post(
          `${repoRoute}/pullrequests`,
          {
            sourceRefName: `${HEADS}${input.head}`,
            targetRefName: `${HEADS}${input.base}`,
            title: input.title,
            description: input.body.slice(0, MAX_DESCRIPTION),
            ...(input.draft ? { isDraft: true } : {}),
          },
          AzurePullRequest,
          { ...options, query: version },
        );
        return { pullRequest: toPullRequest(created), created: true };
      } catch (error) {
        // 409 TF401179: an active pull request for the source and target branch already exists.
        if (httpStatus(error) === 409) {
          const raced = await findActive(input.head, options);
          if (raced !== null) {
            return { pullRequest: await update(raced, input, options), created: false };
          }
        }
        throw fail(error, `open a pull request from ${input.head} into ${input.base} in ${name}`);
      }
    },
  };
}
