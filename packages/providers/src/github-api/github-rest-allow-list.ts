import type { RestAllowList, RestRule } from '../rest-policy.js';

/** A path segment matched literally (owner and repository names may hold `.` and `-`). */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What one job may do on GitHub's REST API: read its repository, read its ticket and the ticket's
 * comments, comment on the ticket, and list, create and edit pull requests. Whether a pull request
 * belongs to the job's branch is in the request body or on GitHub, so the broker checks that
 * itself; this list only fixes methods and paths. Merging, deleting, other repositories, other
 * tickets, labels, releases, contents and settings are refused.
 */
export const githubRestAllowList: RestAllowList = (scope) => {
  const repo = `/repos/${scope.repository.split('/').map(literal).join('/')}`;
  const ticket = literal(scope.ticket);
  const rules: RestRule[] = [
    { method: 'GET', path: new RegExp(`^${repo}$`), purpose: 'read the repository' },
    {
      method: 'GET',
      path: new RegExp(`^${repo}/issues/${ticket}$`),
      purpose: 'read the ticket',
    },
    {
      method: 'GET',
      path: new RegExp(`^${repo}/issues/${ticket}/comments$`),
      purpose: "read the ticket's comments",
    },
    {
      method: 'POST',
      path: new RegExp(`^${repo}/issues/${ticket}/comments$`),
      purpose: 'comment on the ticket',
    },
    {
      method: 'GET',
      path: new RegExp(`^${repo}/pulls$`),
      purpose: "list pull requests (of the job's branch)",
    },
    {
      method: 'POST',
      path: new RegExp(`^${repo}/pulls$`),
      purpose: "open the pull request of the job's branch",
    },
    {
      method: 'PATCH',
      path: new RegExp(`^${repo}/pulls/\\d+$`),
      purpose: "update the title and description of the job's pull request",
    },
  ];
  return rules;
};
