import { describe, expect, it } from 'vitest';
import { createGitHost } from '../registry.js';

describe('git-hosts/local/local-git-host', () => {
  it('clones from the path and reports a local pull request pointing at the branch', async () => {
    const host = createGitHost({ type: 'local', path: 'repo' }, {}, { baseDir: '/srv/work' });

    const result = await host.ensurePullRequest({
      head: 'fix/58',
      base: 'main',
      title: 't',
      body: 'b',
    });

    expect(host.cloneSource()).toEqual({ url: '/srv/work/repo' });
    expect(await host.findDefaultBranch()).toBeNull();
    expect(result).toEqual({
      created: true,
      pullRequest: {
        number: 0,
        url: 'file:///srv/work/repo#fix/58',
        head: 'fix/58',
        base: 'main',
        title: 't',
        body: 'b',
        state: 'open',
      },
    });
  });
});
