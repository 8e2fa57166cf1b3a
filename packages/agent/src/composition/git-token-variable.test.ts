import { describe, expect, it } from 'vitest';
import { classifyGitFailure } from '../git/git-errors.js';
import { gitTokenVariable } from './git-token-variable.js';

const denied = 'fatal: Authentication failed for https://git.example/o/r.git/';

function hint(source: Parameters<typeof gitTokenVariable>[0], brokered: boolean): string {
  return classifyGitFailure(denied, {
    operation: 'clone',
    remote: 'https://git.example/o/r.git',
    tokenVariable: gitTokenVariable(source, brokered) ?? 'GITHUB_TOKEN',
    hadCredentials: brokered,
  }).message;
}

describe('gitTokenVariable', () => {
  it("names each host's own token variable on the command line", () => {
    expect(hint({ type: 'gitlab', url: 'https://gitlab.com/g/p.git' }, false)).toContain(
      'set GITLAB_TOKEN to a token',
    );
    expect(hint({ type: 'azurerepos', url: 'https://dev.azure.com/o/p/_git/r' }, false)).toContain(
      'set AZURE_DEVOPS_TOKEN to a token',
    );
    expect(hint({ type: 'github', url: 'https://github.com/o/r' }, false)).toContain(
      'set GITHUB_TOKEN to a token',
    );
  });

  it("names the dispatcher's credential in job mode, where the container holds only the job token", () => {
    expect(hint({ type: 'gitlab', url: 'https://gitlab.com/g/p.git' }, true)).toContain(
      "the dispatcher's GITLAB_TOKEN was rejected or cannot access this repository",
    );
    expect(hint({ type: 'local', path: '/srv/repo' }, true)).toContain("this job's broker token");
  });
});
