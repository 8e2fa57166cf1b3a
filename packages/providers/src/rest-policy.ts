/** What one job may touch on a provider's REST API; the broker enforces it (docs/security.md). */
export interface RestScope {
  /** The repository as the host names it: `owner/name`, `group/sub/name`, `org/project/repo`. */
  repository: string;
  /** The ticket reference as the tracker names it: `58`, `PROJ-58`. */
  ticket: string;
  /** The job's own branch, e.g. `fix/58`. */
  branch: string;
}

/** One allowed call: an HTTP method and a path pattern (matched against the path without query). */
export interface RestRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: RegExp;
  /** Shown in a refusal's neighbourhood and in docs: what this rule is for. */
  purpose: string;
}

export type RestAllowList = (scope: RestScope) => readonly RestRule[];
