import { describe, expect, it } from 'vitest';
import { credentialEnvironment, splitUrlCredentials } from './git-credentials.js';

describe('git/git-credentials', () => {
  it('configures the helper through GIT_CONFIG_* variables, after clearing other helpers and turning hooks off', () => {
    const env = credentialEnvironment({ username: 'x-access-token', password: 'tok' });

    expect(env).toMatchObject({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '4',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'core.hooksPath',
      GIT_CONFIG_VALUE_1: '/dev/null',
      GIT_CONFIG_KEY_2: 'core.fsmonitor',
      GIT_CONFIG_VALUE_2: 'false',
      GIT_CONFIG_KEY_3: 'credential.helper',
      AGENTSMITH_GIT_USERNAME: 'x-access-token',
      AGENTSMITH_GIT_PASSWORD: 'tok',
    });
    expect(env['GIT_CONFIG_VALUE_3']).not.toContain('tok');
  });

  it('only clears helpers and turns hooks off when there are no credentials', () => {
    const env = credentialEnvironment(undefined);

    expect(env).toMatchObject({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'core.hooksPath',
    });
    expect(env['AGENTSMITH_GIT_PASSWORD']).toBeUndefined();
  });

  it('moves credentials out of a URL', () => {
    expect(splitUrlCredentials('https://bot:s3cret@github.com/o/r.git')).toEqual({
      url: 'https://github.com/o/r.git',
      credentials: { username: 'bot', password: 's3cret' },
    });
    expect(splitUrlCredentials('/srv/repo')).toEqual({ url: '/srv/repo', credentials: undefined });
  });
});
