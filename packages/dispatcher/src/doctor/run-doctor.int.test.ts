import { createServer, type Server } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeGithubApi,
  FakeKubernetesApi,
  FakeLlmApi,
  FakeSlackApi,
  git,
  gitTestRepo,
  redisTestContext,
  startGitHttpServer,
  testRedisUrl,
  type GitHttpServer,
  type GitTestRepo,
  type RedisTestContext,
} from '@agentsmith/testkit';
import { runDispatcherDoctor } from './run-doctor.js';
import { MANIFEST_BOT_SCOPES } from './slack-checks.js';

const BOT_TOKEN = 'xoxb-1111-2222-doctortestbot';
const GITHUB_TOKEN = 'ghp_doctorTestToken0000000000000000ghub';
const LLM_KEY = 'sk-ant-doctor-test-key-0000000000llmk';

let slack: FakeSlackApi;
let github: FakeGithubApi;
let kubernetes: FakeKubernetesApi;
let llm: FakeLlmApi;
let repo: GitTestRepo;
let gitServer: GitHttpServer;
let redis: RedisTestContext;
let folder: string;
let kubeconfig: string;

beforeAll(async () => {
  slack = await new FakeSlackApi({ botToken: BOT_TOKEN, scopes: [...MANIFEST_BOT_SCOPES] }).start();
  github = await new FakeGithubApi({ token: GITHUB_TOKEN, scopes: ['repo', 'workflow'] })
    .addRepository('org/app')
    .start();
  kubernetes = await new FakeKubernetesApi('agentsmith-doctor').start();
  kubeconfig = await kubernetes.writeKubeconfig();
  llm = await FakeLlmApi.start();
  llm.acceptedKey = LLM_KEY;
  repo = await gitTestRepo();
  gitServer = await startGitHttpServer({
    repositories: { 'org/app.git': repo.origin },
    password: GITHUB_TOKEN,
  });
  redis = await redisTestContext();
  folder = await mkdtemp(join(tmpdir(), 'doctor-'));
  await writeFile(
    join(folder, 'agentsmith.yml'),
    [
      'projects:',
      '  shop:',
      '    source: { type: github, url: https://github.com/org/app.git }',
      '    tickets: { type: github, url: https://github.com/org/app }',
      '    agent: { type: claude }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all([
    slack.stop(),
    github.stop(),
    kubernetes.stop(),
    llm.server.stop(),
    gitServer.stop(),
  ]);
  await repo.cleanup();
  await redis.cleanup();
  await rm(folder, { recursive: true, force: true });
});

function environment(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: testRedisUrl(),
    SPAWNER_TYPE: 'kubernetes',
    KUBECONFIG: kubeconfig,
    K8S_NAMESPACE: 'agentsmith-doctor',
    AGENTSMITH_CONFIG: join(folder, 'agentsmith.yml'),
    GITHUB_TOKEN,
    GITHUB_API_URL: github.url,
    AGENTSMITH_CLONE_URL: `${gitServer.url}/org/app.git`,
    ANTHROPIC_API_KEY: LLM_KEY,
    ANTHROPIC_BASE_URL: llm.baseUrl,
    ...overrides,
  };
}

async function doctor(env: NodeJS.ProcessEnv, args: string[] = []) {
  const lines: string[] = [];
  const code = await runDispatcherDoctor(args, env, {
    print: (line) => lines.push(line),
    sanitize: (text) => text,
  });
  return { code, lines, text: lines.join('\n') };
}

const lineOf = (lines: string[], what: string) =>
  lines.find((line) => line.slice(6).startsWith(`${what}:`)) ?? `(no line for ${what})`;

describe('dispatcher doctor', () => {
  afterEach(() => kubernetes.deniedAccess.clear());

  it('checks every connection of a working setup: one ok line each, the workflow scope a warning', async () => {
    const { code, lines, text } = await doctor(environment());
    const subjects = lines
      .slice(0, -1)
      .map((line) => `${line.slice(0, 4)} ${line.slice(6).split(':')[0]}`);
    expect(subjects).toEqual([
      'ok   Environment',
      'ok   Projects file',
      'ok   Slack bot token',
      'ok   Slack bot scopes',
      'ok   Slack signing secret',
      'ok   Redis',
      'ok   Redis ACL rights',
      'ok   Kubernetes rights',
      'warn Agent image',
      'ok   project shop',
      'ok   project shop',
      'ok   LLM anthropic (shop)',
      'warn GitHub token',
    ]);
    expect(lines.at(-1)).toBe('11 ok, 2 warn, 0 FAIL');
    expect(code).toBe(0);
    expect(lineOf(lines, 'project shop: git')).toContain('default branch main');
    expect(lineOf(lines, 'GitHub token: workflow files')).toMatch(
      /workflow scope .* fix: create a token without the workflow scope/,
    );
    expect(lineOf(lines, 'Kubernetes rights')).toContain('all 11 permissions');
    // Secrets appear by their last four characters at most.
    for (const secret of [BOT_TOKEN, GITHUB_TOKEN, LLM_KEY]) {
      expect(text).not.toContain(secret.slice(0, -4));
    }
    expect(text).toContain('…ghub');
  });

  it('gives a FAIL line with its fix for each broken connection, and exits 1', async () => {
    const noAclUser = `doctor-noacl-${randomBytes(4).toString('hex')}`;
    await redis.redis.call(
      'ACL',
      'SETUSER',
      noAclUser,
      'on',
      '>doctor-pass',
      '~*',
      '&*',
      '+@all',
      '-@admin',
      '-@dangerous',
    );
    const broken = await gitTestRepo({ 'README.md': '# x\n' }, 'trunk');
    await git(broken.origin, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    const brokenServer = await startGitHttpServer({
      repositories: { 'org/app.git': broken.origin },
      password: GITHUB_TOKEN,
    });
    kubernetes.deniedAccess.add('create jobs').add('deletecollection pods');
    const redisUrl = new URL(testRedisUrl());
    redisUrl.username = noAclUser;
    redisUrl.password = 'doctor-pass';
    try {
      const { code, lines } = await doctor(
        environment({
          SLACK_BOT_TOKEN: 'xoxb-revoked-token-00000000',
          REDIS_URL: redisUrl.toString(),
          AGENTSMITH_CLONE_URL: `${brokenServer.url}/org/app.git`,
          ANTHROPIC_API_KEY: 'sk-ant-wrong-key-000000000000',
        }),
      );
      expect(code).toBe(1);
      expect(lineOf(lines, 'Slack bot token')).toMatch(
        /^FAIL .*invalid_auth → fix: set SLACK_BOT_TOKEN/,
      );
      expect(lineOf(lines, 'Redis')).toMatch(/^ok /);
      expect(lineOf(lines, 'Redis ACL rights')).toMatch(
        new RegExp(
          `^FAIL .*${noAclUser} cannot mint per-job users: NOPERM.* → fix: grant them: ACL SETUSER ${noAclUser} \\+acl\\|setuser \\+acl\\|deluser`,
        ),
      );
      expect(lineOf(lines, 'Kubernetes rights')).toMatch(
        /^FAIL .*may not: create jobs, deletecollection pods → fix: apply the Role/,
      );
      expect(lineOf(lines, 'project shop: git')).toMatch(
        /^FAIL .*no default branch \(HEAD points nowhere; branches: trunk\) → fix: push the default branch/,
      );
      expect(lineOf(lines, 'LLM anthropic (shop)')).toMatch(
        /^FAIL .*credential was refused \(401\).* → fix: set ANTHROPIC_API_KEY/,
      );
      expect(lines.at(-1)).toMatch(/ 5 FAIL$/);
    } finally {
      await redis.redis.call('ACL', 'DELUSER', noAclUser);
      await brokenServer.stop();
      await broken.cleanup();
    }
  });

  it('in Socket Mode checks the app token instead of the signing secret', async () => {
    const socket = await new FakeSlackApi({
      botToken: BOT_TOKEN,
      appToken: 'xapp-1-A1-the-right-app-token',
      scopes: ['chat:write', 'app_mentions:read'],
    }).start();
    try {
      const { code, lines } = await doctor(
        environment({
          SLACK_API_URL: socket.apiUrl,
          SLACK_APP_TOKEN: 'xapp-1-A1-a-stale-app-token',
        }),
      );
      expect(lineOf(lines, 'Slack app token')).toBe(
        'FAIL  Slack app token: Slack refused SLACK_APP_TOKEN …oken: invalid_auth → fix: create an app-level token with connections:write (Basic Information → App-Level Tokens), set SLACK_APP_TOKEN to it, and enable Socket Mode',
      );
      expect(lineOf(lines, 'Slack bot scopes')).toMatch(
        /^FAIL {2}Slack bot scopes: missing channels:history, groups:history, im:history, channels:read, groups:read, users:read, usergroups:read → fix: add them/,
      );
      expect(lines.some((line) => line.includes('Slack signing secret'))).toBe(false);
      expect(code).toBe(1);
    } finally {
      await socket.stop();
    }
  });

  it('turns a service that never answers into a FAIL line once the timeout passes', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const { code, lines } = await doctor(
        environment({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` }),
        ['--timeout', '1s'],
      );
      expect(lineOf(lines, 'Slack bot token')).toBe(
        'FAIL  Slack bot token: no answer within 1s → fix: check that this machine reaches Slack (https://slack.com/api/, or SLACK_API_URL)',
      );
      expect(code).toBe(1);
    } finally {
      silent.close();
    }
  });

  it('checks a local source by serving its refs as the broker would: ok, or FAIL with the fix', async () => {
    const config = join(folder, 'local.yml');
    await writeFile(
      config,
      [
        'projects:',
        '  shop:',
        `    source: { type: local, path: ${JSON.stringify(repo.work)} }`,
        '    tickets: { type: local, path: tickets }',
        '    agent: { type: claude }',
        '  gone:',
        `    source: { type: local, path: ${JSON.stringify(folder)} }`,
        '    tickets: { type: local, path: tickets }',
        '    agent: { type: claude }',
      ].join('\n'),
    );
    const { lines } = await doctor(environment({ AGENTSMITH_CONFIG: config }));
    expect(lineOf(lines, 'project shop: git')).toBe(
      `ok    project shop: git: ls-remote through ${repo.work} works; default branch main`,
    );
    expect(lineOf(lines, 'project gone: git')).toBe(
      `FAIL  project gone: git: the local source ${folder} is not a git repository → fix: point the project's source.path at a git working copy or bare repository on the dispatcher's machine (a relative path is resolved against the dispatcher's working directory)`,
    );
  });

  it('names each environment problem and stops before connecting anywhere', async () => {
    const { code, lines } = await doctor({ SPAWNER_TYPE: 'docker' });
    expect(code).toBe(1);
    expect(lines[0]).toMatch(
      /^FAIL {2}Environment: SLACK_BOT_TOKEN is not set: set it to the bot token/,
    );
    expect(lines.at(-1)).toMatch(/FAIL: fix the environment, then run doctor again$/);
  });
});
