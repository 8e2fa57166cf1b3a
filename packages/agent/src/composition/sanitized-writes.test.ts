import { SecretSanitizer } from '@agentsmith/kit';
import type { GitHost, KeyedComment, PullRequestInput, Tracker } from '@agentsmith/providers';
import { describe, expect, it } from 'vitest';
import { sanitizedGitHost, sanitizedTracker } from './sanitized-writes.js';

/** Built at run time so no scanner mistakes this file for one holding credentials. */
const TOKEN = `github_pat_${'7hX'.repeat(28)}`;
const KNOWN = 'broker-token-0c7e44';

describe('composition/sanitized-writes', () => {
  it('scrubs the pull request title and body on their way to the git host, and disarms mentions', async () => {
    const sent: PullRequestInput[] = [];
    const host: GitHost = {
      type: 'github',
      cloneSource: () => ({ url: 'https://github.com/org/app.git' }),
      findDefaultBranch: () => Promise.resolve('main'),
      ensurePullRequest: (input) => {
        sent.push(input);
        return Promise.resolve({
          pullRequest: {
            number: 1,
            url: 'u',
            head: input.head,
            base: input.base,
            title: input.title,
            state: 'open',
          },
          created: true,
        });
      },
    };

    await sanitizedGitHost(host, new SecretSanitizer([KNOWN])).ensurePullRequest({
      head: 'fix/1',
      base: 'main',
      title: `fix: rotate ${KNOWN}`,
      body: `### Tests\n\`\`\`\nAssertionError: ${TOKEN} @octocat\n\`\`\`\nAs the ticket asks, cc @acme/everyone`,
    });

    expect(sent).toEqual([
      {
        head: 'fix/1',
        base: 'main',
        title: 'fix: rotate [redacted]',
        body: '### Tests\n```\nAssertionError: [redacted] @octocat\n```\nAs the ticket asks, cc `@acme/everyone`',
      },
    ]);
  });

  it('scrubs ticket comments, their hidden keys included, and disarms mentions', async () => {
    const comments: KeyedComment[] = [];
    const tracker = {
      type: 'github',
      ensureComment: (_id: string, comment: KeyedComment) => {
        comments.push(comment);
        return Promise.resolve({ created: true });
      },
    } as unknown as Tracker;

    await sanitizedTracker(tracker, new SecretSanitizer([KNOWN])).ensureComment('58', {
      key: `agentsmith:58:failed:TestCommand:${KNOWN}`,
      body: `**Reason:** push failed with ${TOKEN}; @all please look`,
    });

    expect(comments).toEqual([
      {
        key: 'agentsmith:58:failed:TestCommand:[redacted]',
        body: '**Reason:** push failed with [redacted]; `@all` please look',
      },
    ]);
  });
});
