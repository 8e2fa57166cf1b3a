import { AgentLlmConfig } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import { brokerAccess } from './broker-access.js';
import { llmCredentials } from './build-run-context.js';

const JOB_ENV = {
  AGENTSMITH_BROKER_URL: 'http://dispatcher:8081/',
  AGENTSMITH_JOB_TOKEN: 'asjob_token',
  PATH: '/bin',
};

describe('composition/broker-access', () => {
  it('routes every provider through the broker with the job token in job mode', () => {
    const access = brokerAccess(JOB_ENV, 'my app', AgentLlmConfig.parse({ type: 'gemini' }));
    expect(access?.llm).toEqual({
      apiKey: 'asjob_token',
      baseUrlOverride: 'http://dispatcher:8081/llm/google',
    });
    expect(access?.providerEnv).toMatchObject({
      GITHUB_TOKEN: 'asjob_token',
      GITHUB_API_URL: 'http://dispatcher:8081/rest/github',
      AGENTSMITH_CLONE_URL: 'http://dispatcher:8081/git/my%20app.git',
    });
    // A local source's adapter brings no login; the broker serves it and wants the job token.
    expect(access?.gitCredentials).toEqual({ username: 'agentsmith-job', password: 'asjob_token' });
  });

  it('gives GitLab, Jira and Azure DevOps the broker as their base URL and the job token', () => {
    const env = { ...JOB_ENV, JIRA_EMAIL: 'bot@acme.test', GITLAB_URL: 'https://git.acme.test' };
    const access = brokerAccess(env, 'app', AgentLlmConfig.parse({}));
    expect(access?.providerEnv).toMatchObject({
      GITLAB_TOKEN: 'asjob_token',
      GITLAB_URL: 'http://dispatcher:8081/rest/gitlab',
      JIRA_TOKEN: 'asjob_token',
      JIRA_URL: 'http://dispatcher:8081/rest/jira',
      AZURE_DEVOPS_TOKEN: 'asjob_token',
      AZURE_DEVOPS_URL: 'http://dispatcher:8081/rest/azuredevops',
    });
    // The Jira client then sends the job token as Bearer, not as the password of an e-mail.
    expect(access?.providerEnv).not.toHaveProperty('JIRA_EMAIL');
  });

  it('is off for the plain CLI, which keeps using its own environment', () => {
    const env = { ANTHROPIC_API_KEY: 'sk-ant-own', GITHUB_TOKEN: 'ghp_own' };
    const agent = AgentLlmConfig.parse({});
    expect(brokerAccess(env, 'app', agent)).toBeUndefined();
    expect(llmCredentials(agent, env)).toEqual({ apiKey: 'sk-ant-own' });
  });
});
