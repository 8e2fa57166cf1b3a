import type { SourceConfig } from '@agentsmith/providers';

const HOST_TOKEN: Record<SourceConfig['type'], string | undefined> = {
  github: 'GITHUB_TOKEN',
  gitlab: 'GITLAB_TOKEN',
  azurerepos: 'AZURE_DEVOPS_TOKEN',
  local: undefined,
};

/**
 * What a refused git login names as the thing to fix: the host's token variable on the command
 * line; in job mode the dispatcher's, since the container holds only the job's broker token.
 */
export function gitTokenVariable(source: SourceConfig, brokered: boolean): string | undefined {
  const variable = HOST_TOKEN[source.type];
  if (!brokered) return variable;
  return variable ? `the dispatcher's ${variable}` : "this job's broker token (has the job ended?)";
}
