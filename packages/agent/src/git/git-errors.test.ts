import { describe, expect, it } from 'vitest';
import { classifyGitFailure } from './git-errors.js';

const context = {
  operation: 'clone',
  remote: 'https://github.com/o/r.git',
  tokenVariable: 'GITHUB_TOKEN',
  hadCredentials: false,
};

describe('git/git-errors', () => {
  it.each([
    "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    "remote: Repository not found.\nfatal: repository 'https://github.com/o/r.git/' not found",
    'fatal: Authentication failed for https://github.com/o/r.git/',
    'error: The requested URL returned error: 403',
  ])('maps %j to source_access_denied naming the token variable', (stderr) => {
    const error = classifyGitFailure(stderr, context);

    expect(error.code).toEqual('source_access_denied');
    expect(error.message).toEqual(
      'git clone was denied by https://github.com/o/r.git: set GITHUB_TOKEN to a token that can read and push this repository.',
    );
  });

  it('says the token was rejected when one was given', () => {
    const error = classifyGitFailure('fatal: Authentication failed', {
      ...context,
      hadCredentials: true,
    });

    expect(error.message).toContain('GITHUB_TOKEN was rejected');
  });

  it('maps a refused push to git_push_rejected', () => {
    const stderr =
      ' ! [rejected]        HEAD -> fix/1 (stale info)\nerror: failed to push some refs';

    const error = classifyGitFailure(
      stderr,
      { ...context, operation: 'push' },
      'git_push_rejected',
    );

    expect(error.code).toEqual('git_push_rejected');
  });

  it('keeps other failures under the fallback code, retryable for network errors', () => {
    expect(classifyGitFailure('fatal: not a git repository', context)).toMatchObject({
      code: 'source_checkout_failed',
      retryable: false,
    });
    expect(
      classifyGitFailure('fatal: unable to access: Could not resolve host: github.com', context),
    ).toMatchObject({
      code: 'source_checkout_failed',
      retryable: true,
    });
  });
});
