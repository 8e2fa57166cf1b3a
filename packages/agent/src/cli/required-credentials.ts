import { canonicalLlmProvider, type ProjectConfig } from '@agentsmith/providers';

/** An environment variable a project's run would use, and why. */
export interface CredentialNeed {
  name: string;
  purpose: string;
  /** False when a run can work without it (e.g. a public repository). */
  required: boolean;
}

/** The credentials a project's providers read from the environment. */
function credentialNeeds(project: ProjectConfig): CredentialNeed[] {
  const needs: CredentialNeed[] = [];
  if (project.source.type === 'github' || project.tickets.type === 'github') {
    needs.push({ name: 'GITHUB_TOKEN', purpose: 'GitHub API and git push', required: true });
  }
  if (project.source.type === 'gitlab' || project.tickets.type === 'gitlab') {
    needs.push({ name: 'GITLAB_TOKEN', purpose: 'GitLab API and git push', required: true });
  }
  if (project.source.type === 'azurerepos' || project.tickets.type === 'azuredevops') {
    needs.push({ name: 'AZURE_DEVOPS_TOKEN', purpose: 'Azure DevOps', required: true });
  }
  if (project.tickets.type === 'jira') {
    needs.push({
      name: 'JIRA_EMAIL',
      purpose: 'Jira Cloud (Basic auth with JIRA_TOKEN); unset on Server / Data Center',
      required: false,
    });
    needs.push({
      name: 'JIRA_TOKEN',
      purpose: 'Jira (Cloud API token or Server PAT)',
      required: true,
    });
  }
  switch (canonicalLlmProvider(project.agent.type)) {
    case 'anthropic':
      needs.push({ name: 'ANTHROPIC_API_KEY', purpose: 'the LLM (Anthropic)', required: true });
      break;
    case 'openai':
      needs.push({ name: 'OPENAI_API_KEY', purpose: 'the LLM (OpenAI)', required: true });
      break;
    case 'google':
      needs.push({ name: 'GEMINI_API_KEY', purpose: 'the LLM (Gemini)', required: true });
      break;
    case 'openai-compatible':
      needs.push({
        name: 'OPENAI_API_KEY',
        purpose: 'the LLM endpoint, if it needs a key',
        required: false,
      });
      break;
  }
  return needs;
}

/** Names of required credentials missing from `env`. */
export function missingCredentials(
  project: ProjectConfig,
  env: NodeJS.ProcessEnv,
): CredentialNeed[] {
  return credentialNeeds(project).filter((need) => need.required && !env[need.name]);
}
