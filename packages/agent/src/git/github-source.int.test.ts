import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHost } from '@agentsmith/providers';
import {
  FakeGithubApi,
  git,
  gitTestRepo,
  startGitHttpServer,
  TEST_GIT_ENV,
  type GitHttpServer,
  type GitTestRepo,
} from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSourceWorkspace } from './git-source-workspace.js';

const TOKEN = 'ghp_flowToken_0123456789';
const signal = new AbortController().signal;

describe('git/github-source (GitHub host + git over HTTP)', () => {
  let repo: GitTestRepo;
  let gitServer: GitHttpServer;
  let api: FakeGithubApi;
  let scratch: string;

  beforeEach(async () => {
    repo = await gitTestRepo({ 'index.js': 'module.exports = 1;\n' }, 'develop');
    gitServer = await startGitHttpServer({
      repositories: { 'org/app.git': repo.origin },
      password: TOKEN,
    });
    await git(repo.origin, 'config', 'http.receivepack', 'true');
    api = await new FakeGithubApi({ token: TOKEN })
      .addRepository('org/app', { defaultBranch: 'develop', private: true })
      .start();
    scratch = await mkdtemp(join(tmpdir(), 'github-source-'));
  });

  afterEach(async () => {
    api.server.assertDone();
    await api.stop();
    await gitServer.stop();
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('checks out from the API default branch, pushes fix/58 and opens one pull request', async () => {
    const env = { ...process.env, ...TEST_GIT_ENV, GITHUB_API_URL: api.url, GITHUB_TOKEN: TOKEN };
    const host = createGitHost({ type: 'github', url: `${gitServer.url}/org/app.git` }, env, {
      maxRetries: 0,
    });
    const workspace = createGitSourceWorkspace({
      gitHost: host,
      directory: join(scratch, 'clone'),
      env,
    });

    const source = await workspace.checkout('fix/58', { signal });
    await writeFile(join(source.path, 'index.js'), 'module.exports = 2;\n');
    const commit = await workspace.commitAndPush('fix: one is two (#58)', { signal });
    const input = {
      head: source.branch,
      base: source.baseBranch,
      title: 'fix: one is two (#58)',
      body: 'Fixes #58',
    };
    const first = await host.ensurePullRequest(input, { signal });
    const second = await host.ensurePullRequest(input, { signal });

    expect(source.baseBranch).toEqual('develop');
    expect(commit?.changedFiles).toEqual(['index.js']);
    expect(await repo.showInOrigin('fix/58:index.js')).toEqual('module.exports = 2;');
    expect(first.created).toBe(true);
    expect(second).toEqual({ pullRequest: first.pullRequest, created: false });
    expect(api.pulls('org/app')).toMatchObject([
      { head: 'fix/58', base: 'develop', body: 'Fixes #58' },
    ]);
    expect(await readFile(join(source.path, '.git/config'), 'utf8')).not.toContain(TOKEN);
  });
});
