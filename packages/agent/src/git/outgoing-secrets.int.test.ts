import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretSanitizer } from '@agentsmith/kit';
import type { GitHost } from '@agentsmith/providers';
import { git, gitTestRepo, TEST_GIT_ENV, type GitTestRepo } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSourceWorkspace } from './git-source-workspace.js';

const signal = new AbortController().signal;
/** Built at run time so no scanner mistakes this file for one holding credentials. */
const AWS_KEY = `AKIA${'QX7'.repeat(5)}Z`;
const SLACK_TOKEN = `xoxb-${'4821'.repeat(3)}-${'tQ9w'.repeat(6)}`;
const JOB_TOKEN = 'job-token-a9f3c2e71b';

function hostFor(url: string): GitHost {
  return {
    type: 'test',
    cloneSource: () => ({ url }),
    findDefaultBranch: () => Promise.resolve(null),
    ensurePullRequest: () => Promise.reject(new Error('not used')),
  };
}

describe('git/outgoing-secrets (push secret scan, real git)', () => {
  let repo: GitTestRepo;
  let scratch: string;
  const env = { ...process.env, ...TEST_GIT_ENV };

  beforeEach(async () => {
    // The repository already holds a token-shaped fixture: pushing around it must still work.
    repo = await gitTestRepo(
      { 'src/app.js': 'export const answer = 41;\n', 'test/fixture.txt': `${AWS_KEY}\n` },
      'trunk',
    );
    scratch = await mkdtemp(join(tmpdir(), 'git-secrets-'));
  });

  afterEach(async () => {
    await repo.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  function workspace() {
    return createGitSourceWorkspace({
      gitHost: hostFor(repo.origin),
      directory: join(scratch, 'clone'),
      env,
      sanitizer: new SecretSanitizer([JOB_TOKEN]),
    });
  }

  it('refuses a diff that adds a token, naming file and line but not the token; nothing is pushed', async () => {
    const source = workspace();
    const { path } = await source.checkout('fix/9', { signal });
    await writeFile(join(path, 'src/app.js'), 'export const answer = 42;\n');
    await writeFile(
      join(path, 'src/config.js'),
      `// settings\nexport const region = 'eu';\nexport const slack = '${SLACK_TOKEN}';\n`,
    );

    const error = await source
      .commitAndPush('fix: answer (#9)', { signal })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'secret_in_diff' });
    const message = (error as Error).message;
    expect(message).toContain('src/config.js line 3 (a Slack token)');
    expect(message).not.toContain(SLACK_TOKEN);
    expect(message).not.toContain('tQ9w');
    expect(await repo.originBranches()).toEqual(['trunk']);
  });

  it('refuses the job token and a private key block added in another commit of the branch', async () => {
    const source = workspace();
    const { path } = await source.checkout('fix/10', { signal });
    await writeFile(
      join(path, 'deploy.pem'),
      '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n',
    );
    // The model may commit by itself: the scan covers every commit since the base, not only ours.
    await git(path, 'add', '-A');
    await git(path, 'commit', '-q', '-m', 'wip');
    await writeFile(
      join(path, 'notes.md'),
      `# notes\n\ncurl -H "Authorization: Bearer ${JOB_TOKEN}"\n`,
    );

    const error = await source
      .commitAndPush('fix: notes (#10)', { signal })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'secret_in_diff' });
    const message = (error as Error).message;
    expect(message).toContain('deploy.pem line 1 (a private key)');
    expect(message).toContain('notes.md line 3 (a known secret value)');
    expect(message).not.toContain(JOB_TOKEN);
    expect(await repo.originBranches()).toEqual(['trunk']);
  });

  it('pushes a clean change next to an existing token-shaped fixture, with the commit message scrubbed', async () => {
    const source = workspace();
    const { path } = await source.checkout('fix/11', { signal });
    await writeFile(join(path, 'src/app.js'), 'export const answer = 42;\n');
    await writeFile(join(path, 'test/fixture.txt'), `${AWS_KEY}\nsecond line\n`);

    const commit = await source.commitAndPush(`fix: leaked ${JOB_TOKEN} in title (#11)`, {
      signal,
    });

    expect(commit?.changedFiles).toEqual(['src/app.js', 'test/fixture.txt']);
    expect(await repo.originBranches()).toEqual(['fix/11', 'trunk']);
    expect(await git(repo.origin, 'log', '-1', '--format=%s', 'fix/11')).toEqual(
      'fix: leaked [redacted] in title (#11)',
    );
  });
});
