import type { RestAllowList, RestRule } from '../rest-policy.js';

/**
 * What one job may call on Azure DevOps: the work item (read, comments, state), the work item
 * types (for the state categories), the repository and its pull requests. `repository` is
 * `org/project/repo` (an Azure DevOps Server collection may take more than one segment for
 * `org`); the work item lives in the same project. Azure DevOps paths are case-insensitive.
 */
export const azureDevOpsRestAllowList: RestAllowList = ({ repository, ticket }) => {
  const parts = repository.split('/');
  const repo = escape(encodeURIComponent(parts.at(-1) ?? ''));
  const project = escape(encodeURIComponent(parts.at(-2) ?? ''));
  const organization = parts
    .slice(0, -2)
    .map((part) => escape(encodeURIComponent(part)))
    .join('/');
  const base = `^/${organization}/${project}/_apis`;
  const item = `${base}/wit/workitems/${escape(ticket.replace(/^#/, ''))}`;
  const repositoryRoute = `${base}/git/repositories/${repo}`;
  const rule = (method: RestRule['method'], path: string, purpose: string): RestRule => ({
    method,
    path: new RegExp(`${path}$`, 'i'),
    purpose,
  });
  return [
    rule('GET', `${base}/wit/workitemtypes`, "read the work item types' states and categories"),
    rule('GET', item, 'read the ticket'),
    rule('PATCH', item, 'move the ticket to the completed state'),
    rule('GET', `${item}/comments`, "read the ticket's comments; find an earlier one by its key"),
    rule('POST', `${item}/comments`, 'comment on the ticket'),
    rule('GET', repositoryRoute, 'read the default branch'),
    rule('GET', `${repositoryRoute}/pullrequests`, 'find the active pull request of the branch'),
    rule('POST', `${repositoryRoute}/pullrequests`, 'open the pull request'),
    rule('PATCH', `${repositoryRoute}/pullrequests/\\d+`, 'update the pull request of the branch'),
  ];
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
