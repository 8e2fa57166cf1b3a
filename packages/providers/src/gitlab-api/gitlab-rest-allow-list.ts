import type { RestAllowList, RestRule } from '../rest-policy.js';

/** Any path prefix of a self-managed instance, then the API root (no segment may be `api`). */
const API = String.raw`^(?:/(?!api/)[^/]+)*/api/v4`;

/**
 * What one job may call on GitLab: its project, its issue (read, notes, close/label) and merge
 * requests (find, open, update). The tickets live in the same project as the code.
 */
export const gitlabRestAllowList: RestAllowList = ({ repository, ticket }) => {
  const project = `${API}/projects/${escape(encodeURIComponent(repository))}`;
  const issue = `${project}/issues/${escape(ticket.replace(/^#/, ''))}`;
  const rule = (method: RestRule['method'], path: string, purpose: string): RestRule => ({
    method,
    path: new RegExp(`${path}$`),
    purpose,
  });
  return [
    rule(
      'GET',
      project,
      'read the project (default branch; tells a hidden project from a missing issue)',
    ),
    rule('GET', issue, 'read the ticket'),
    rule('PUT', issue, 'close or label the ticket on completion'),
    rule('GET', `${issue}/notes`, "read the ticket's comments; find an earlier one by its key"),
    rule('POST', `${issue}/notes`, 'comment on the ticket'),
    rule('GET', `${project}/merge_requests`, 'find the open merge request of the branch'),
    rule('POST', `${project}/merge_requests`, 'open the merge request'),
    rule('PUT', `${project}/merge_requests/\\d+`, 'update the merge request of the branch'),
  ];
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
