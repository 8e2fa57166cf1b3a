import { ConfigError } from '@agentsmith/kit';

/** `owner/name` of a GitHub repository. */
export interface GithubRepositoryName {
  owner: string;
  name: string;
}

/**
 * Reads owner and name from a repository URL (`https://github.com/org/repo`, with or without
 * `.git`, also on GitHub Enterprise hosts).
 */
export function parseGithubRepositoryUrl(url: string): GithubRepositoryName {
  let parts: string[] = [];
  try {
    parts = new URL(url).pathname.split('/').filter(Boolean);
  } catch {
    // reported below
  }
  const [owner, rawName] = parts;
  if (owner === undefined || rawName === undefined) {
    throw new ConfigError(`Not a GitHub repository URL: ${url}`, [
      `${url}: expected https://<host>/<owner>/<repository>`,
    ]);
  }
  return { owner, name: rawName.replace(/\.git$/, '') };
}

/**
 * The REST API base URL: `GITHUB_API_URL` (tests, proxies) > the configured `api_url` >
 * `https://api.github.com` for github.com > `https://<host>/api/v3` (GitHub Enterprise Server).
 */
export function githubApiBaseUrl(
  repositoryUrl: string,
  apiUrl: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const fromEnv = env['GITHUB_API_URL'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (apiUrl !== undefined && apiUrl !== '') return apiUrl;
  const { protocol, host } = new URL(repositoryUrl);
  return host === 'github.com' || host === 'www.github.com'
    ? 'https://api.github.com'
    : `${protocol}//${host}/api/v3`;
}
