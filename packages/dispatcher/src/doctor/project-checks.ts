import { failed, passed, warned, type CheckResult, type DoctorCheck } from '@agentsmith/kit';
import {
  checkGithubWorkflowScope,
  checkLlmKey,
  checkTrackerAccess,
  firstGithubRepository,
  githubApiBaseUrl,
  llmGroups,
  type AgentsmithConfig,
  type LlmProvider,
  type ProjectConfig,
} from '@agentsmith/providers';
import { LocalGitUnavailable, serveLocalGit } from '../broker/local-git-backend.js';
import { gitUpstream, llmUpstream } from '../broker/upstreams.js';
import type { BrokerCredentials } from '../config/broker-config.js';
import { parseRefAdvertisement } from './git-refs.js';

const LOCAL_TICKETS_FIX =
  'give the project github, gitlab, jira or azuredevops tickets (a local folder is for the agent CLI: agentsmith doctor)';

/** The ref advertisement's verdict: ok with the default branch, or FAIL when HEAD is not a branch. */
function advertisedRefsResult(what: string, where: string, body: Buffer): CheckResult {
  const refs = parseRefAdvertisement(body);
  if (!refs.headResolves) {
    return failed(
      what,
      `${where}: the repository has no default branch (HEAD ${refs.head ? `names ${refs.head}, which does not exist` : 'points nowhere'}; branches: ${refs.branches.join(', ') || 'none'})`,
      'push the default branch, or set the repository’s default branch to one that exists',
    );
  }
  const branch = refs.head?.replace(/^refs\/heads\//, '') ?? 'HEAD';
  return passed(what, `ls-remote through ${where} works; default branch ${branch}`);
}

/** A `local` source's `info/refs`, served by git http-backend as the broker serves it to agents. */
async function localGitResult(
  what: string,
  repository: string,
  searchPath: string | undefined,
  signal: AbortSignal,
): Promise<CheckResult> {
  let answer: Response;
  try {
    answer = await serveLocalGit({
      repository,
      method: 'GET',
      path: '/info/refs',
      query: 'service=git-upload-pack',
      headers: {},
      remoteUser: 'agentsmith-doctor',
      searchPath,
      signal,
    });
  } catch (error) {
    if (error instanceof LocalGitUnavailable) return failed(what, error.problem, error.fix);
    throw error;
  }
  const body = Buffer.from(await answer.arrayBuffer());
  if (answer.status !== 200) {
    return failed(
      what,
      `git http-backend answered ${answer.status} for ${repository}: ${body.toString('utf8').trim()}`,
      'check that the dispatcher can read the repository',
    );
  }
  return advertisedRefsResult(what, repository, body);
}

/** `git ls-remote` as the broker's git proxy would do it: the same URL and the same credential. */
function gitCheck(
  name: string,
  project: ProjectConfig,
  credentials: BrokerCredentials,
  searchPath: string | undefined,
): DoctorCheck {
  const what = `project ${name}: git`;
  return {
    what,
    unreachableFix: 'check that this machine reaches the git host (or AGENTSMITH_CLONE_URL)',
    async run(signal): Promise<CheckResult> {
      const upstream = gitUpstream(project, credentials);
      if ('local' in upstream) return localGitResult(what, upstream.local, searchPath, signal);
      const host = new URL(upstream.baseUrl).host;
      const response = await fetch(`${upstream.baseUrl}/info/refs?service=git-upload-pack`, {
        headers: { ...upstream.headers, 'user-agent': 'git/agentsmith-doctor' },
        signal,
      });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) {
        const token = upstream.headers['authorization'] ? 'the host token' : 'no token';
        return failed(
          what,
          `${host} answered ${response.status} to ls-remote with ${token}`,
          response.status === 401 || response.status === 403 || response.status === 404
            ? 'set the host token (GITHUB_TOKEN, GITLAB_TOKEN or AZURE_DEVOPS_TOKEN) to one that can read and push the repository, and check source.url'
            : 'check the source URL in agentsmith.yml',
        );
      }
      return advertisedRefsResult(what, host, body);
    },
  };
}

function trackerCheck(name: string, project: ProjectConfig, env: NodeJS.ProcessEnv): DoctorCheck {
  const what = `project ${name}: tickets`;
  return {
    what,
    unreachableFix: 'check that this machine reaches the tracker',
    async run(signal) {
      if (project.tickets.type === 'local') {
        return warned(
          what,
          'tickets are a local folder, which the dispatcher does not read',
          LOCAL_TICKETS_FIX,
        );
      }
      return checkTrackerAccess(what, project.tickets, env, { signal });
    },
  };
}

function llmCheck(
  provider: LlmProvider,
  names: string[],
  project: ProjectConfig,
  credentials: BrokerCredentials,
): DoctorCheck {
  const what = `LLM ${provider} (${names.join(', ')})`;
  return {
    what,
    unreachableFix: `check that this machine reaches the ${provider} API (or its *_BASE_URL)`,
    async run(signal) {
      const upstream = llmUpstream(provider, project, credentials);
      if ('missing' in upstream) {
        return failed(
          what,
          `${upstream.missing} is not set`,
          `set ${upstream.missing} (the broker holds it for every job)`,
        );
      }
      const key = {
        anthropic: credentials.anthropicApiKey,
        openai: credentials.openaiApiKey,
        google: credentials.geminiApiKey,
        'openai-compatible': credentials.openaiApiKey,
      }[provider];
      return checkLlmKey(what, { provider, ...upstream }, key, { signal });
    },
  };
}

/** Warns when the GitHub token could change workflow files (asked once). */
function workflowCheck(config: AgentsmithConfig, credentials: BrokerCredentials): DoctorCheck[] {
  const github = firstGithubRepository(config);
  if (!github) return [];
  const env = credentials.githubApiUrl ? { GITHUB_API_URL: credentials.githubApiUrl } : {};
  const apiBase = githubApiBaseUrl(github.url, github.api_url, env);
  return [
    {
      what: 'GitHub token: workflow files',
      unreachableFix: 'check that this machine reaches the GitHub API (or GITHUB_API_URL)',
      run: (signal) => checkGithubWorkflowScope(apiBase, credentials.githubToken, { signal }),
    },
  ];
}

/** Every project's git and tracker access, each LLM key once, and the GitHub token's reach. */
export function projectChecks(
  config: AgentsmithConfig,
  credentials: BrokerCredentials,
  env: NodeJS.ProcessEnv,
): DoctorCheck[] {
  const perProject = Object.entries(config.projects).flatMap(([name, project]) => [
    gitCheck(name, project, credentials, env['PATH']),
    trackerCheck(name, project, env),
  ]);
  const llm = llmGroups(config).map(({ provider, names, project }) =>
    llmCheck(provider, names, project, credentials),
  );
  return [...perProject, ...llm, ...workflowCheck(config, credentials)];
}
