import { describe, expect, it } from 'vitest';
import { DEFAULT_GIT_AUTHOR, resolveGitAuthor } from './git-commit.js';

describe('git/git-commit', () => {
  it('takes the configured author, else the environment, else the bot identity', () => {
    const env = {
      AGENTSMITH_GIT_AUTHOR_NAME: 'Env Bot',
      AGENTSMITH_GIT_AUTHOR_EMAIL: 'env@bot.test',
    };

    expect(resolveGitAuthor({ name: 'Cfg', email: 'cfg@x.test' }, env)).toEqual({
      name: 'Cfg',
      email: 'cfg@x.test',
    });
    expect(resolveGitAuthor(undefined, env)).toEqual({ name: 'Env Bot', email: 'env@bot.test' });
    expect(resolveGitAuthor(undefined, {})).toEqual(DEFAULT_GIT_AUTHOR);
  });
});
