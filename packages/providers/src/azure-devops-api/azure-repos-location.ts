import { ConfigError } from '@agentsmith/kit';

/** Where an Azure Repos repository lives. */
export interface AzureReposLocation {
  /** Organisation or collection URL: `https://dev.azure.com/acme`, `https://tfs.example.com/tfs/Default`. */
  organizationUrl: string;
  project: string;
  repository: string;
}

/**
 * Reads `https://dev.azure.com/{org}/{project}/_git/{repo}` (also with a `user@` prefix,
 * `https://{org}.visualstudio.com/{project}/_git/{repo}` and Azure DevOps Server collections).
 */
export function parseAzureReposUrl(url: string): AzureReposLocation {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  const segments = (parsed?.pathname ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  const gitIndex = segments.indexOf('_git');
  const project = segments[gitIndex - 1];
  const repository = segments[gitIndex + 1]?.replace(/\.git$/, '');
  if (parsed === undefined || gitIndex < 1 || project === undefined || repository === undefined) {
    throw new ConfigError(`Not an Azure Repos URL: ${url}`, [
      `${url}: expected https://dev.azure.com/<organization>/<project>/_git/<repository>`,
    ]);
  }
  const prefix = segments
    .slice(0, gitIndex - 1)
    .map(encodeURIComponent)
    .join('/');
  return {
    organizationUrl: `${parsed.protocol}//${parsed.host}${prefix ? `/${prefix}` : ''}`,
    project,
    repository,
  };
}

/**
 * The organisation / collection URL as the agent calls it: `AZURE_DEVOPS_URL` (a server root,
 * possibly with a path: the broker's `/rest/azuredevops`, a fake) replaces the configured URL's
 * scheme and host; the organisation or collection path stays.
 */
export function azureDevOpsOrganizationUrl(
  organizationUrl: string,
  env: NodeJS.ProcessEnv,
): string {
  const configured = organizationUrl.replace(/\/+$/, '');
  const override = env['AZURE_DEVOPS_URL']?.trim().replace(/\/+$/, '');
  if (!override) return configured;
  const path = new URL(configured).pathname.replace(/\/+$/, '');
  return `${override}${path}`;
}
