import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHost } from './git-host.js';

/** A git host under test plus direct access to the pull requests behind it. */
export interface GitHostFixture {
  host: GitHost;
  /** The default branch the backing repository was given. */
  defaultBranch: string;
  /** Opens a pull request straight in the backing store (someone else's, or an earlier run's). */
  seedPullRequest(pull: { head: string; base: string; title: string; body: string }): Promise<void>;
  /** Every open pull request of the repository as the store holds it. */
  openPullRequests(): Promise<{ head: string; title: string; body: string }[]>;
  /** Heads of the open pull requests the host holds as drafts (in its own field or title form). */
  draftHeads(): Promise<string[]>;
  /** Makes the next lookup of open pull requests find nothing (a race with another run). */
  hideNextLookup(): void;
  cleanup(): Promise<void>;
}

/** The behaviour every remote {@link GitHost} shares (the local host has no pull requests). */
export function describeGitHostConformance(
  name: string,
  makeFixture: () => Promise<GitHostFixture>,
): void {
  describe(`${name} git host conformance`, () => {
    let fixture: GitHostFixture;

    beforeEach(async () => {
      fixture = await makeFixture();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it('reports the default branch', async () => {
      expect(await fixture.host.findDefaultBranch()).toEqual(fixture.defaultBranch);
    });

    it('opens a pull request once; ensuring it again updates the same one', async () => {
      const input = {
        head: 'fix/58',
        base: fixture.defaultBranch,
        title: 'fix: a (#58)',
        body: 'one',
      };

      const first = await fixture.host.ensurePullRequest(input);
      const again = await fixture.host.ensurePullRequest(input);
      const updated = await fixture.host.ensurePullRequest({ ...input, body: 'two' });

      expect(first.created).toBe(true);
      expect(first.pullRequest).toMatchObject({
        head: 'fix/58',
        base: fixture.defaultBranch,
        state: 'open',
      });
      expect(first.pullRequest.url).toMatch(/^https?:\/\//);
      expect(again).toEqual({ created: false, pullRequest: first.pullRequest });
      expect(updated).toMatchObject({
        created: false,
        pullRequest: { number: first.pullRequest.number, body: 'two' },
      });
      expect(await fixture.openPullRequests()).toEqual([
        { head: 'fix/58', title: 'fix: a (#58)', body: 'two' },
      ]);
    });

    it('opens a draft when asked, and only then', async () => {
      const base = fixture.defaultBranch;
      const draft = await fixture.host.ensurePullRequest({
        head: 'fix/60',
        base,
        title: 'fix: unfinished (#60)',
        body: 'stopped at its budget',
        draft: true,
      });
      await fixture.host.ensurePullRequest({ head: 'fix/61', base, title: 'fix: b', body: 'b' });

      expect(draft).toMatchObject({ created: true, pullRequest: { draft: true, head: 'fix/60' } });
      expect(await fixture.draftHeads()).toEqual(['fix/60']);
    });

    it('updates an existing open pull request of the branch instead of opening another', async () => {
      await fixture.seedPullRequest({
        head: 'fix/7',
        base: fixture.defaultBranch,
        title: 'old',
        body: 'old',
      });

      const result = await fixture.host.ensurePullRequest({
        head: 'fix/7',
        base: fixture.defaultBranch,
        title: 'new',
        body: 'new body',
      });

      expect(result).toMatchObject({
        created: false,
        pullRequest: { title: 'new', body: 'new body' },
      });
      expect(await fixture.openPullRequests()).toEqual([
        { head: 'fix/7', title: 'new', body: 'new body' },
      ]);
    });

    it('converges when the host says the pull request already exists', async () => {
      await fixture.seedPullRequest({
        head: 'fix/9',
        base: fixture.defaultBranch,
        title: 'theirs',
        body: 'theirs',
      });
      fixture.hideNextLookup();

      const result = await fixture.host.ensurePullRequest({
        head: 'fix/9',
        base: fixture.defaultBranch,
        title: 'ours',
        body: 'ours',
      });

      expect(result).toMatchObject({
        created: false,
        pullRequest: { head: 'fix/9', title: 'ours' },
      });
      expect(await fixture.openPullRequests()).toHaveLength(1);
    });
  });
}
