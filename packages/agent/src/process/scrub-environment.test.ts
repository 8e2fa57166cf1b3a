import { describe, expect, it } from 'vitest';
import { scrubEnvironment } from './scrub-environment.js';

describe('process/scrub-environment', () => {
  it('removes every credential-looking variable and keeps the rest', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/agent',
      LANG: 'C.UTF-8',
      CI: 'true',
      ANTHROPIC_API_KEY: 'a',
      ANTHROPIC_BASE_URL: 'b',
      OPENAI_API_KEY: 'c',
      OPENAI_BASE_URL: 'd',
      GEMINI_API_KEY: 'e',
      GITHUB_TOKEN: 'f',
      GITHUB_API_URL: 'g',
      GITLAB_TOKEN: 'h',
      JIRA_EMAIL: 'i',
      JIRA_TOKEN: 'j',
      AZURE_DEVOPS_TOKEN: 'k',
      SLACK_BOT_TOKEN: 'l',
      SLACK_SIGNING_SECRET: 'm',
      REDIS_URL: 'n',
      DB_PASSWORD: 'o',
      MY_SERVICE_KEY: 'p',
      CLIENT_SECRET: 'q',
      NPM_TOKEN: 'r',
      GITHUB_WEBHOOK_SECRET: 's',
      AWS_ACCESS_KEY_ID: 't',
    };

    expect(scrubEnvironment(env)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/agent',
      LANG: 'C.UTF-8',
      CI: 'true',
    });
  });
});
