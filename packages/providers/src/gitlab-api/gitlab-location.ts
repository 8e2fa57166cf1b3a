import { ConfigError } from '@agentsmith/kit';

const API_SUFFIX = /\/api\/v4\/?$/;

/**
 * The GitLab instance root, path prefix included (`https://git.example.com/gitlab`):
 * `GITLAB_URL` > the configured `api_url` without `/api/v4` > `fallback` (the `url`'s origin or
 * https://gitlab.com). A self-managed GitLab under a path prefix needs one of the first two.
 */
export function gitlabInstanceUrl(
  env: NodeJS.ProcessEnv,
  apiUrl: string | undefined,
  fallback: string,
): string {
  const fromEnv = env['GITLAB_URL'];
  const chosen =
    fromEnv !== undefined && fromEnv !== ''
      ? fromEnv
      : apiUrl !== undefined && apiUrl !== ''
        ? apiUrl.replace(API_SUFFIX, '')
        : fallback;
  return chosen.replace(/\/+$/, '');
}

/** The REST base of an instance: `<instance>/api/v4`. */
export function gitlabApiUrl(instanceUrl: string): string {
  return `${instanceUrl}/api/v4`;
}

/**
 * `group/sub/project` from a repository or project URL: its path without the instance's path
 * prefix and without `.git`.
 */
export function gitlabProjectPath(url: string, instanceUrl: string): string {
  let path = '';
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    // reported below
  }
  const prefix = new URL(instanceUrl).pathname.replace(/\/+$/, '');
  if (prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`))) {
    path = path.slice(prefix.length);
  }
  const project = path
    .replace(/\.git\/?$/, '')
    .split('/')
    .filter(Boolean)
    .join('/');
  if (!project.includes('/')) {
    throw new ConfigError(`Not a GitLab project URL: ${url}`, [
      `${url}: expected https://<host>[/<prefix>]/<group>/<project>; a path prefix needs api_url or GITLAB_URL`,
    ]);
  }
  return project;
}
