import type { ConfigError } from '@agentsmith/kit';
import { describe, expect, it } from 'vitest';
import { loadBrokerConfig } from './broker-config.js';
import { budgetExhaustion, type JobLedger, type JobScope } from '../broker/job-scope.js';

describe('broker/broker-config', () => {
  it('defaults to port 8081, Compose’s dispatcher name and a $20 budget', () => {
    expect(loadBrokerConfig({ GITHUB_TOKEN: ' ghp ', GEMINI_API_KEY: '' })).toEqual({
      port: 8081,
      agentUrl: 'http://dispatcher:8081',
      defaultBudget: { usd: 20 },
      budgetQuestionTimeoutSeconds: 900,
      credentials: { githubToken: 'ghp' },
    });
  });

  it('keeps PATH for the git that serves local sources', () => {
    expect(loadBrokerConfig({ PATH: '/opt/git/bin:/usr/bin' }).gitSearchPath).toBe(
      '/opt/git/bin:/usr/bin',
    );
  });

  it('takes the budget question timeout and names a wrong one', () => {
    expect(
      loadBrokerConfig({ BUDGET_QUESTION_TIMEOUT_SECONDS: '60' }).budgetQuestionTimeoutSeconds,
    ).toBe(60);
    expect(() => loadBrokerConfig({ BUDGET_QUESTION_TIMEOUT_SECONDS: '1.5' })).toThrow(
      /BUDGET_QUESTION_TIMEOUT_SECONDS: "1.5" is not a positive whole number/,
    );
  });

  it('holds the GitLab, Jira and Azure DevOps credentials and sites for the broker', () => {
    const env = {
      GITLAB_TOKEN: 'glpat',
      GITLAB_URL: 'https://git.acme.test/gitlab',
      JIRA_URL: 'https://acme.atlassian.net',
      JIRA_EMAIL: 'bot@acme.test',
      JIRA_TOKEN: 'jira',
      AZURE_DEVOPS_TOKEN: 'azpat',
      AZURE_DEVOPS_URL: 'https://tfs.acme.test',
    };
    expect(loadBrokerConfig(env).credentials).toEqual({
      gitlabToken: 'glpat',
      gitlabUrl: 'https://git.acme.test/gitlab',
      jiraUrl: 'https://acme.atlassian.net',
      jiraEmail: 'bot@acme.test',
      jiraToken: 'jira',
      azureDevOpsToken: 'azpat',
      azureDevOpsUrl: 'https://tfs.acme.test',
    });
  });

  it('names every wrong variable', () => {
    const problems = (() => {
      try {
        loadBrokerConfig({
          BROKER_PORT: 'x',
          BROKER_URL: 'http://d:1/path',
          AGENT_BUDGET_TOKENS: '1.5',
        });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual([
      'BROKER_PORT: "x" is not a positive whole number',
      'BROKER_URL: "http://d:1/path" must be http(s)://host:port with no path',
      'AGENT_BUDGET_TOKENS: "1.5" is not a positive whole number',
    ]);
  });
});

describe('broker/job-scope budgetExhaustion', () => {
  const scope = (budget: JobScope['budget']): JobScope => ({
    jobId: 'j',
    project: 'p',
    repository: 'o/r',
    trackerRepository: 'o/r',
    ticket: '1',
    branch: 'fix/1',
    llm: { provider: 'anthropic' },
    budget,
    expiresAt: 0,
  });
  const ledger = (costUsd: number, tokens: number): JobLedger => ({
    calls: 1,
    inputTokens: tokens,
    outputTokens: 0,
    cacheReadTokens: 0,
    costUsd,
    unpricedCalls: 0,
  });

  it('says what was spent once either cap is reached, and nothing before', () => {
    expect(budgetExhaustion(scope({ usd: 2 }), ledger(1.99, 10))).toBeUndefined();
    expect(budgetExhaustion(scope({ usd: 2 }), ledger(2.5, 10))).toBe(
      'this job spent $2.50 of its $2.00 LLM budget',
    );
    expect(budgetExhaustion(scope({ tokens: 1000 }), ledger(0, 1200))).toBe(
      'this job used 1,200 of its 1,000 LLM tokens',
    );
  });
});

describe('loadBrokerConfig: credentials in URLs', () => {
  it('refuses an upstream base URL carrying credentials, naming the variable', () => {
    for (const name of ['GITLAB_URL', 'JIRA_URL', 'GITHUB_API_URL', 'OPENAI_BASE_URL']) {
      expect(() => loadBrokerConfig({ [name]: 'https://bot:s3cret@example.test/api' })).toThrow(
        `${name}: credentials in the URL are not accepted`,
      );
    }
  });

  it('strips credentials from AGENTSMITH_CLONE_URL (the broker presents the token itself)', () => {
    const { credentials } = loadBrokerConfig({
      AGENTSMITH_CLONE_URL: 'https://x-access-token:ghp_secret@git.example.test/acme/app.git',
    });
    expect(credentials.cloneUrl).toBe('https://git.example.test/acme/app.git');
    expect(
      loadBrokerConfig({ AGENTSMITH_CLONE_URL: 'http://127.0.0.1:9/acme/app.git' }).credentials
        .cloneUrl,
    ).toBe('http://127.0.0.1:9/acme/app.git');
  });
});
