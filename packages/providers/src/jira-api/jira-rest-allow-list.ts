import type { RestAllowList, RestRule } from '../rest-policy.js';

/** Any context path of a Jira Server site, then REST v2 or v3 (no segment may be `rest`). */
const API = String.raw`^(?:/(?!rest/)[^/]+)*/rest/api/[23]`;

/**
 * What one job may call on Jira: its issue (read, comments, transitions), its project (to tell a
 * hidden project from a missing issue) and the hidden key of comments. No `/comment/list`: it
 * reads any comment by id, in any project.
 * `ticket` is the issue key (`PROJ-58`; resolve `58` with the project key first).
 */
export const jiraRestAllowList: RestAllowList = ({ ticket }) => {
  const key = escape(ticket);
  const project = escape(ticket.replace(/-\d+$/, ''));
  const rule = (method: RestRule['method'], path: string, purpose: string): RestRule => ({
    method,
    path: new RegExp(`${API}${path}$`),
    purpose,
  });
  return [
    rule('GET', `/issue/${key}`, 'read the ticket'),
    rule('GET', `/project/${project}`, 'tell a hidden project from a missing issue'),
    rule(
      'GET',
      `/issue/${key}/comment`,
      "list the ticket's comments (with their hidden key on Cloud: expand=properties)",
    ),
    rule(
      'GET',
      '/comment/\\d+/properties/agentsmith',
      "read a comment's hidden key on Server / Data Center (no expand=properties there)",
    ),
    rule('POST', `/issue/${key}/comment`, 'comment on the ticket'),
    rule('GET', `/issue/${key}/transitions`, 'find the transition to the completed state'),
    rule('POST', `/issue/${key}/transitions`, 'move the ticket to the completed state'),
  ];
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
