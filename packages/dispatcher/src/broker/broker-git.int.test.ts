import { execFile, execFileSync } from 'node:child_process';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { BROKER_ENVIRONMENT } from '@agentsmith/contracts';
import {
  TEST_GIT_ENV,
  git,
  gitTestRepo,
  startGitHttpServer,
  type GitHttpServer,
  type GitTestRepo,
} from '@agentsmith/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerFixture, type BrokerFixture } from '../../test/support/broker-fixture.js';
import { FLUSH_PKT, pktLine } from './pkt-line.js';

const exec = promisify(execFile);
const REAL_TOKEN = 'ghp_real_host_token_never_in_an_agent';

/** git as the agent runs it: the job token only through a credential helper reading the environment. */
async function gitAsAgent(
  cwd: string,
  token: string,
  ...args: string[]
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec('git', args, {
      cwd,
      env: {
        ...process.env,
        ...TEST_GIT_ENV,
        JOB_TOKEN: token,
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'credential.helper',
        GIT_CONFIG_VALUE_0: '!f() { echo username=x-access-token; echo "password=$JOB_TOKEN"; }; f',
      },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

/** The agent's clone of `<broker>/git/<project>.git` in `<root>/<name>`, with a commit on `branch`. */
async function agentCloneWithFix(
  fixture: BrokerFixture,
  token: string,
  root: string,
  options: { project?: string; name?: string; branch?: string } = {},
): Promise<string> {
  const clone = join(root, options.name ?? 'agent-clone');
  const url = `${fixture.broker.url}/git/${options.project ?? 'app'}.git`;
  const cloned = await gitAsAgent(root, token, 'clone', url, clone);
  expect(cloned.output).not.toContain('fatal');
  expect(cloned.code).toBe(0);
  await git(clone, 'checkout', '-b', options.branch ?? 'fix/58');
  await exec('sh', ['-c', 'echo fixed > fix.txt'], { cwd: clone });
  await git(clone, 'add', '.');
  await git(clone, 'commit', '-m', 'fix');
  return clone;
}

describe('broker git proxy (real git over smart HTTP)', () => {
  let repo: GitTestRepo;
  let server: GitHttpServer;
  let fixture: BrokerFixture;
  let token: string;
  let clone: string;

  beforeAll(async () => {
    repo = await gitTestRepo({ 'README.md': '# app\n' });
    await git(repo.work, 'tag', 'v1');
    await git(repo.work, 'push', '--quiet', 'origin', 'v1', 'HEAD:refs/heads/release');
    server = await startGitHttpServer({
      repositories: { 'acme/app.git': repo.origin },
      password: REAL_TOKEN,
    });
    fixture = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'github', url: 'https://github.com/acme/app.git' },
          tickets: { type: 'github', url: 'https://github.com/acme/app' },
        },
        other: {
          source: { type: 'github', url: 'https://github.com/acme/other.git' },
          tickets: { type: 'github', url: 'https://github.com/acme/other' },
        },
      },
      credentials: { githubToken: REAL_TOKEN, cloneUrl: `${server.url}/acme/app.git` },
    });
    token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
    clone = await agentCloneWithFix(fixture, token, repo.root);
  });
  afterAll(async () => {
    await fixture.close();
    await server.stop();
    await repo.cleanup();
  });

  it('clones through the broker, which presents the real token to the host', () => {
    const authenticated = server.requests.filter((request) => request.authorized);
    expect(authenticated.length).toBeGreaterThan(0);
    expect(server.requests.every((request) => !request.basicAuth?.includes(token))).toBe(true);
  });

  it("pushes the job's own branch", async () => {
    const pushed = await gitAsAgent(clone, token, 'push', 'origin', 'fix/58');
    expect(pushed.code).toBe(0);
    expect(await repo.originBranches()).toContain('fix/58');
  });

  it('refuses a push to main with a message git prints', async () => {
    const pushed = await gitAsAgent(clone, token, 'push', 'origin', 'HEAD:main');
    expect(pushed.code).not.toBe(0);
    expect(pushed.output).toContain(
      '[remote rejected] HEAD -> main (this job may only push refs/heads/fix/58)',
    );
    expect(await git(repo.origin, 'rev-parse', 'main')).not.toBe(
      await git(clone, 'rev-parse', 'HEAD'),
    );
  });

  it('refuses deleting a branch, even its own', async () => {
    for (const branch of ['release', 'fix/58']) {
      const deleted = await gitAsAgent(clone, token, 'push', 'origin', '--delete', branch);
      expect(deleted.code).not.toBe(0);
      expect(deleted.output).toContain('[remote rejected]');
    }
    expect(await repo.originBranches()).toEqual(expect.arrayContaining(['release', 'fix/58']));
  });

  it('refuses tags, and a push mixing its branch with another ref as a whole', async () => {
    await git(clone, 'tag', 'v2');
    const tagged = await gitAsAgent(clone, token, 'push', 'origin', 'v2');
    expect(tagged.output).toContain('tags may not be pushed by this job');
    await exec('sh', ['-c', 'echo more >> fix.txt'], { cwd: clone });
    await git(clone, 'commit', '-am', 'more');
    const mixed = await gitAsAgent(
      clone,
      token,
      'push',
      'origin',
      'HEAD:fix/58',
      'HEAD:refs/heads/other',
    );
    expect(mixed.code).not.toBe(0);
    expect(mixed.output).toContain('refused with the rest of this push');
    expect(await repo.originBranches()).not.toContain('other');
    expect(await git(repo.origin, 'rev-parse', 'fix/58')).not.toBe(
      await git(clone, 'rev-parse', 'HEAD'),
    );
    expect(await git(repo.origin, 'tag', '--list')).not.toContain('v2');
  });

  it('refuses push options (GitLab would act on merge_request.* ones) with a report git prints', async () => {
    await git(repo.origin, 'config', 'receive.advertisePushOptions', 'true');
    await exec('sh', ['-c', 'echo opts >> fix.txt'], { cwd: clone });
    await git(clone, 'commit', '-am', 'with options');
    const pushed = await gitAsAgent(
      clone,
      token,
      'push',
      '-o',
      'merge_request.create',
      '-o',
      'merge_request.target=main',
      '-o',
      'merge_request.merge_when_pipeline_succeeds',
      'origin',
      'HEAD:fix/58',
    );
    expect(pushed.code).not.toBe(0);
    expect(pushed.output).toContain('push options (git push -o) are not accepted');
    expect(await git(repo.origin, 'rev-parse', 'fix/58')).not.toBe(
      await git(clone, 'rev-parse', 'HEAD'),
    );
  });

  it('answers 413 to a gzip bomb instead of inflating it', async () => {
    // Many gzip members of 16 MiB of zeros: a few hundred KB that inflate beyond the relay's limit.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 20 }, () => member));
    const answer = await fetch(`${fixture.broker.url}/git/app.git/git-receive-pack`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
        'content-type': 'application/x-git-receive-pack-request',
        'content-encoding': 'gzip',
      },
      body: bomb,
    });
    expect(answer.status).toBe(413);
  });

  it("refuses another project's repository and a revoked token", async () => {
    const other = await gitAsAgent(
      repo.root,
      token,
      'ls-remote',
      `${fixture.broker.url}/git/other.git`,
    );
    expect(other.code).not.toBe(0);
    expect(other.output).toContain('403');
    const { spec, env } = await fixture.mint();
    await fixture.issuer.revoke(spec.jobId);
    const revoked = await gitAsAgent(
      repo.root,
      env[BROKER_ENVIRONMENT.jobToken]!,
      'ls-remote',
      `${fixture.broker.url}/git/app.git`,
    );
    expect(revoked.code).not.toBe(0);
    expect(revoked.output).toMatch(/Authentication failed|401/);
  });
});

describe.each([
  {
    host: 'GitLab',
    source: { type: 'gitlab', url: 'https://gitlab.com/acme/app.git' },
    credentials: { gitlabToken: REAL_TOKEN },
    user: 'oauth2',
  },
  {
    host: 'Azure Repos',
    source: { type: 'azurerepos', url: 'https://dev.azure.com/acme/Shop/_git/app' },
    credentials: { azureDevOpsToken: REAL_TOKEN },
    user: '',
  },
])('broker git proxy for a $host source', ({ source, credentials, user }) => {
  let repo: GitTestRepo;
  let server: GitHttpServer;
  let fixture: BrokerFixture;

  beforeAll(async () => {
    repo = await gitTestRepo({ 'README.md': '# app\n' });
    server = await startGitHttpServer({
      repositories: { 'acme/app.git': repo.origin },
      password: REAL_TOKEN,
    });
    fixture = await startBrokerFixture({
      projects: { app: { source, tickets: { type: 'local', path: 'tickets' } } },
      credentials: { ...credentials, cloneUrl: `${server.url}/acme/app.git` },
    });
  });
  afterAll(async () => {
    await fixture.close();
    await server.stop();
    await repo.cleanup();
  });

  it("clones and pushes the job's branch with the host's real token, and refuses main", async () => {
    const token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
    const clone = await agentCloneWithFix(fixture, token, repo.root);
    expect((await gitAsAgent(clone, token, 'push', 'origin', 'fix/58')).code).toBe(0);
    expect(await repo.originBranches()).toContain('fix/58');
    const main = await gitAsAgent(clone, token, 'push', 'origin', 'HEAD:main');
    expect(main.output).toContain('this job may only push refs/heads/fix/58');
    const seen = new Set(server.requests.map((request) => request.basicAuth));
    expect(seen).toEqual(new Set([`${user}:${REAL_TOKEN}`]));
  });
});

describe('broker git proxy: an unreachable host', () => {
  it('answers 502 without the cause, which can quote credentials from the URL', async () => {
    const fixture = await startBrokerFixture({
      projects: {
        app: {
          source: { type: 'github', url: 'https://github.com/acme/app.git' },
          tickets: { type: 'github', url: 'https://github.com/acme/app' },
        },
      },
      // A URL with user info makes fetch fail with a message quoting it.
      credentials: { githubToken: REAL_TOKEN, cloneUrl: 'http://bot:s3cret@127.0.0.1:9/app.git' },
    });
    try {
      const token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
      const answer = await fetch(
        `${fixture.broker.url}/git/app.git/info/refs?service=git-upload-pack`,
        {
          headers: {
            authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
          },
        },
      );
      expect(answer.status).toBe(502);
      const text = await answer.text();
      expect(text).toContain('the git host is unreachable');
      expect(text).not.toContain('s3cret');
    } finally {
      await fixture.close();
    }
  });
});

describe('broker git proxy for a local source (git http-backend on the dispatcher)', () => {
  let repo: GitTestRepo;
  let fixture: BrokerFixture;
  let token: string;
  let clone: string;
  /** A hook that would leave this file behind if any ran inside the dispatcher. */
  let marker: string;
  const refsOf = (repository: string) => git(repository, 'for-each-ref');

  beforeAll(async () => {
    repo = await gitTestRepo({ 'README.md': '# app\n' });
    await git(repo.work, 'tag', 'v1');
    marker = join(repo.root, 'hook-ran');
    for (const hook of ['pre-receive', 'update', 'post-receive', 'reference-transaction']) {
      const path = join(repo.work, '.git', 'hooks', hook);
      await writeFile(path, `#!/bin/sh\necho ${hook} >> '${marker}'\n`);
      await chmod(path, 0o755);
    }
    await mkdir(join(repo.root, 'not-a-repository'));
    fixture = await startBrokerFixture({
      projects: {
        // The working copy (checked out on main), by a path relative to the working directory.
        app: {
          source: { type: 'local', path: relative(process.cwd(), repo.work) },
          tickets: { type: 'local', path: 'tickets' },
        },
        bare: {
          source: { type: 'local', path: repo.origin },
          tickets: { type: 'local', path: 'tickets' },
        },
        missing: {
          source: { type: 'local', path: join(repo.root, 'not-a-repository') },
          tickets: { type: 'local', path: 'tickets' },
        },
      },
      credentials: {},
    });
    token = (await fixture.mint()).env[BROKER_ENVIRONMENT.jobToken]!;
    clone = await agentCloneWithFix(fixture, token, repo.root);
  });
  afterAll(async () => {
    await fixture.close();
    await repo.cleanup();
  });

  it("clones the working copy and pushes the job's branch into it, with no hook run", async () => {
    expect(await git(clone, 'rev-parse', 'origin/main')).toBe(
      await git(repo.work, 'rev-parse', 'main'),
    );
    const pushed = await gitAsAgent(clone, token, 'push', 'origin', 'fix/58');
    expect(pushed.code).toBe(0);
    expect(await git(repo.work, 'rev-parse', 'refs/heads/fix/58')).toBe(
      await git(clone, 'rev-parse', 'HEAD'),
    );
    expect(await git(repo.work, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    await expect(access(marker)).rejects.toThrow(/ENOENT/);
    // The hooks do run for a push that does not go through the broker.
    await git(clone, 'push', '--quiet', repo.work, 'HEAD:refs/heads/direct');
    await expect(access(marker)).resolves.toBeUndefined();
  });

  it('refuses a push to main, a tag and a delete, leaving the repository as it was', async () => {
    const before = await refsOf(repo.work);
    await git(clone, 'tag', 'v2');
    for (const [args, reason] of [
      [['HEAD:main'], 'this job may only push refs/heads/fix/58'],
      [['v2'], 'tags may not be pushed by this job'],
      [['--delete', 'fix/58'], 'this job may not delete refs/heads/fix/58'],
      [['--delete', 'main'], 'this job may only push refs/heads/fix/58'],
    ] as const) {
      const pushed = await gitAsAgent(clone, token, 'push', 'origin', ...args);
      expect(pushed.code).not.toBe(0);
      expect(pushed.output).toContain('[remote rejected]');
      expect(pushed.output).toContain(reason);
    }
    expect(await refsOf(repo.work)).toBe(before);
  });

  /** A hand-made receive-pack request: `commands` (pkt-lines), a flush, then a real pack of `commit`. */
  async function rawPush(commands: string[], commit: string, base: string): Promise<Response> {
    const pack = execFileSync('git', ['pack-objects', '--stdout', '--revs', '--quiet'], {
      cwd: clone,
      input: `${commit}\n^${base}\n`,
      maxBuffer: 16 * 1024 * 1024,
    });
    return fetch(`${fixture.broker.url}/git/app.git/git-receive-pack`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
        'content-type': 'application/x-git-receive-pack-request',
      },
      body: Buffer.concat([...commands.map((command) => pktLine(command)), FLUSH_PKT, pack]),
    });
  }

  it('refuses a forged push certificate whose hidden command would move main', async () => {
    const main = await git(repo.work, 'rev-parse', 'main');
    await git(clone, 'commit', '--allow-empty', '-m', 'over main');
    const commit = await git(clone, 'rev-parse', 'HEAD');
    const before = await refsOf(repo.work);
    // git runs the commands after the certificate's first blank line and leaves the signature to
    // hooks, which are off: the broker must not let a certificate through at all.
    const answer = await rawPush(
      [
        'push-cert\0report-status side-band-64k\n',
        `shallow \n\n${main} ${commit} refs/heads/main\n`,
        'push-cert-end\n',
      ],
      commit,
      main,
    );
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('signed pushes');
    expect(await refsOf(repo.work)).toBe(before);
  });

  it('refuses push options however the capability is spelled, and unknown capabilities', async () => {
    const own = await git(repo.work, 'rev-parse', 'fix/58');
    await git(clone, 'commit', '--allow-empty', '-m', 'with hidden options');
    const commit = await git(clone, 'rev-parse', 'HEAD');
    const before = await refsOf(repo.work);
    for (const [capabilities, reason] of [
      ['report-status push-options=1', 'push options (git push -o) are not accepted'],
      ['report-status\tpush-options', 'push options (git push -o) are not accepted'],
      ['report-status future-capability', 'the push capability "future-capability"'],
    ] as const) {
      const answer = await rawPush(
        [`${own} ${commit} refs/heads/fix/58\0${capabilities}\n`],
        commit,
        own,
      );
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain(reason);
    }
    expect(await refsOf(repo.work)).toBe(before);
  });

  it('refuses malformed objects (receive.fsckObjects)', async () => {
    const tree = await git(clone, 'rev-parse', 'HEAD^{tree}');
    const parent = await git(clone, 'rev-parse', 'HEAD');
    const commit = `tree ${tree}\nparent ${parent}\nauthor no email 1 +0000\ncommitter no email 1 +0000\n\nbad\n`;
    await writeFile(join(repo.root, 'bad-commit'), commit);
    const bad = await git(
      clone,
      'hash-object',
      '--literally',
      '-t',
      'commit',
      '-w',
      join(repo.root, 'bad-commit'),
    );
    const before = await refsOf(repo.work);
    const pushed = await gitAsAgent(clone, token, 'push', 'origin', `${bad}:refs/heads/fix/58`);
    expect(pushed.code).not.toBe(0);
    expect(await refsOf(repo.work)).toBe(before);
  });

  it('serves a bare repository too', async () => {
    const { env } = await fixture.mint({ intent: { ticketId: '59', project: 'bare' } });
    const bareToken = env[BROKER_ENVIRONMENT.jobToken]!;
    const bareClone = await agentCloneWithFix(fixture, bareToken, repo.root, {
      project: 'bare',
      name: 'bare-clone',
      branch: 'fix/59',
    });
    expect((await gitAsAgent(bareClone, bareToken, 'push', 'origin', 'fix/59')).code).toBe(0);
    expect(await repo.originBranches()).toContain('fix/59');
  });

  it("tells the agent's git when the path is not a repository, and how to fix it", async () => {
    const { env } = await fixture.mint({ intent: { ticketId: '60', project: 'missing' } });
    const listed = await gitAsAgent(
      repo.root,
      env[BROKER_ENVIRONMENT.jobToken]!,
      'ls-remote',
      `${fixture.broker.url}/git/missing.git`,
    );
    expect(listed.code).not.toBe(0);
    expect(listed.output).toContain('503');
    expect(listed.output).toContain(
      `the local source ${join(repo.root, 'not-a-repository')} is not a git repository`,
    );
    expect(listed.output).toContain("point the project's source.path");
  });
});
