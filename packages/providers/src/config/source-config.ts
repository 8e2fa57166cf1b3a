import { z } from 'zod';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** `https://<host>/<owner>/<repository>[.git]`, as GitHub and GitHub Enterprise spell them. */
const GithubRepositoryUrl = HttpUrl.refine(
  // Only judged for valid URLs; an invalid one already has its own problem.
  (url) => !URL.canParse(url) || new URL(url).pathname.split('/').filter(Boolean).length >= 2,
  'must name the repository: https://<host>/<owner>/<repository>',
);

/** Overrides the host's API base URL (GitHub Enterprise, self-managed GitLab, tests). */
const ApiUrl = HttpUrl.optional().describe(
  'API base URL; default derived from `url` (GITHUB_API_URL / GITLAB_URL override it)',
);

/** Where the ticket goes once its pull request is open (every tracker). */
const CompletedState = z
  .string()
  .min(1)
  .optional()
  .describe(
    'Workflow state or transition the ticket moves to once its pull request is open, e.g. "In Review"; "done" closes it. GitHub, GitLab and local tickets get any other name as a label.',
  );

/** Ignored; kept so that reference configuration files still load. */
const Auth = z.string().optional().describe('Ignored (credentials come from the environment).');

/** A GitHub repository: the code (`source`) or its issues (`tickets`). */
function githubRepository(url: string) {
  return z.object({
    type: z.literal('github'),
    url: GithubRepositoryUrl.describe(url),
    api_url: ApiUrl,
    auth: Auth,
  });
}

const GithubSource = githubRepository('Repository URL, e.g. https://github.com/org/repo.git');

const GitlabSource = z.object({
  type: z.literal('gitlab'),
  url: HttpUrl.describe('Repository URL, e.g. https://gitlab.com/group/project.git'),
  api_url: ApiUrl,
  auth: Auth,
});

const AzureReposSource = z.object({
  type: z.literal('azurerepos'),
  url: HttpUrl.describe('https://dev.azure.com/{org}/{project}/_git/{repo}'),
  auth: Auth,
});

const LocalSource = z.object({
  type: z.literal('local'),
  path: z
    .string()
    .min(1)
    .describe(
      'An existing git working copy; the agent works in a clone and pushes the branch back',
    ),
  auth: Auth,
});

/** Where the project's code lives (`projects.<name>.source`). */
export const SourceConfig = z.discriminatedUnion('type', [
  GithubSource,
  GitlabSource,
  AzureReposSource,
  LocalSource,
]);
export type SourceConfig = z.infer<typeof SourceConfig>;

export const SOURCE_TYPES = ['github', 'gitlab', 'azurerepos', 'local'] as const;

const GithubTickets = githubRepository('Repository URL whose issues are the tickets').extend({
  completed_state: CompletedState,
});

const GitlabTickets = z.object({
  type: z.literal('gitlab'),
  url: HttpUrl.optional().describe('GitLab base URL (else GITLAB_URL, else https://gitlab.com)'),
  api_url: ApiUrl,
  project: z.string().min(1).describe('Project path, e.g. group/project'),
  completed_state: CompletedState,
  auth: Auth,
});

const JiraTickets = z.object({
  type: z.literal('jira'),
  url: HttpUrl.optional().describe('Jira site (JIRA_URL overrides it)'),
  project: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/, 'must be an upper-case Jira project key, e.g. PROJ')
    .describe('Project key, e.g. PROJ'),
  api_version: z
    .enum(['2', '3'])
    .optional()
    .describe(
      'REST API version: 3 (Jira Cloud, the default on *.atlassian.net) or 2 (Server / Data Center, the default elsewhere)',
    ),
  issue_type: z.string().min(1).default('Task').describe('Issue type of tickets created from chat'),
  completed_state: CompletedState,
  auth: Auth,
});

const AzureDevopsTickets = z.object({
  type: z.literal('azuredevops'),
  url: HttpUrl.optional().describe('Organisation URL (else https://dev.azure.com/{organization})'),
  organization: z.string().min(1).optional(),
  project: z.string().min(1).describe('Project name'),
  work_item_type: z
    .string()
    .min(1)
    .default('Task')
    .describe('Work item type of tickets created from chat (Task exists in every process)'),
  completed_state: CompletedState,
  auth: Auth,
});

const LocalTickets = z.object({
  type: z.literal('local'),
  path: z
    .string()
    .min(1)
    .describe('Folder of markdown tickets: `<id>-<slug>.md` or `<id>.md`, first line `# Title`'),
  completed_state: CompletedState,
});

/** Where the project's tickets live (`projects.<name>.tickets`). */
export const TicketsConfig = z.discriminatedUnion('type', [
  GithubTickets,
  GitlabTickets,
  JiraTickets,
  AzureDevopsTickets,
  LocalTickets,
]);
export type TicketsConfig = z.infer<typeof TicketsConfig>;

export const TICKET_TYPES = ['github', 'gitlab', 'jira', 'azuredevops', 'local'] as const;
