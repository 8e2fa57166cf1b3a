import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CallOptions } from '../../call-options.js';
import type { CloneSource, GitHost, PullRequest, PullRequestInput } from '../git-host.js';

/** Settings of {@link createLocalGitHost}. */
export interface LocalGitHostSettings {
  /** An existing git repository (working copy or bare). */
  path: string;
}

/**
 * A repository on this machine. The agent clones it, works in the clone and pushes the fix branch
 * back into it; there are no pull requests, so `ensurePullRequest` returns a "local" record whose
 * URL points at the branch: `file:///path/to/repo#fix/58` (number 0, never `created: false`).
 */
export function createLocalGitHost(settings: LocalGitHostSettings): GitHost {
  const path = resolve(settings.path);
  return {
    type: 'local',

    cloneSource(): CloneSource {
      return { url: path };
    },

    findDefaultBranch(_options: CallOptions = {}): Promise<string | null> {
      return Promise.resolve(null);
    },

    ensurePullRequest(
      input: PullRequestInput,
      _options: CallOptions = {},
    ): Promise<{ pullRequest: PullRequest; created: boolean }> {
      return Promise.resolve({
        pullRequest: {
          number: 0,
          url: `${pathToFileURL(path).href}#${input.head}`,
          head: input.head,
          base: input.base,
          title: input.title,
          body: input.body,
          state: 'open',
        },
        created: true,
      });
    },
  };
}
