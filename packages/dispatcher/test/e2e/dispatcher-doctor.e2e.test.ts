import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeGithubApi,
  FakeLlmApi,
  FakeSlackApi,
  gitTestRepo,
  startGitHttpServer,
  testRedisUrl,
  type GitHttpServer,
  type GitTestRepo,
} from '@agentsmith/testkit';
import { MANIFEST_BOT_SCOPES } from '../../src/doctor/slack-checks.js';

const MAIN = resolve(import.meta.dirname, '../../dist/main.js');
const BOT_TOKEN = 'xoxb-3333-4444-doctore2ebot';
const APP_TOKEN = 'xapp-1-A1-doctor-e2e-apptoken';
const GITHUB_TOKEN = 'ghp_doctorE2eToken00000000000000000e2et';
const LLM_KEY = 'sk-doctor-e2e-key-00000000000000e2ek';

let slack: FakeSlackApi;
let github: FakeGithubApi;
let llm: FakeLlmApi;
let repo: GitTestRepo;
let gitServer: GitHttpServer;
let folder: string;

beforeAll(async () => {
  // Socket Mode; the token lacks one scope of the manifest.
  slack = await new FakeSlackApi({
    botToken: BOT_TOKEN,
    appToken: APP_TOKEN,
    scopes: MANIFEST_BOT_SCOPES.filter((scope) => scope !== 'usergroups:read'),
  }).start();
  slack.socketModeUrl = 'ws://127.0.0.1:1/socket';
  github = await new FakeGithubApi({ token: GITHUB_TOKEN, scopes: ['repo'] })
    .addRepository('org/app')
    .start();
  llm = await FakeLlmApi.start();
  llm.acceptedKey = LLM_KEY;
  repo = await gitTestRepo();
  gitServer = await startGitHttpServer({
    repositories: { 'org/app.git': repo.origin },
    password: GITHUB_TOKEN,
  });
  folder = await mkdtemp(join(tmpdir(), 'dispatcher-doctor-e2e-'));
  await writeFile(
    join(folder, 'agentsmith.yml'),
    [
      'projects:',
      '  shop:',
      '    source: { type: github, url: https://github.com/org/app.git }',
      '    tickets: { type: github, url: https://github.com/org/app }',
      '    agent: { type: openai }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all([slack.stop(), github.stop(), llm.server.stop(), gitServer.stop()]);
  await repo.cleanup();
  await rm(folder, { recursive: true, force: true });
});

function runDoctor(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [MAIN, 'doctor', '--timeout', '20s'],
      { env: { PATH: process.env['PATH'], ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const environment = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_APP_TOKEN: APP_TOKEN,
  SLACK_API_URL: slack.apiUrl,
  REDIS_URL: testRedisUrl(),
  SPAWNER_TYPE: 'docker',
  DOCKER_HOST: 'unix:///var/run/docker.sock',
  AGENTSMITH_IMAGE: 'node:22-bookworm-slim',
  AGENTSMITH_CONFIG: join(folder, 'agentsmith.yml'),
  GITHUB_TOKEN,
  GITHUB_API_URL: github.url,
  AGENTSMITH_CLONE_URL: `${gitServer.url}/org/app.git`,
  OPENAI_API_KEY: LLM_KEY,
  OPENAI_BASE_URL: llm.baseUrl,
  ...overrides,
});

describe('dispatcher doctor (built, as a child process)', () => {
  it('prints one line per check and exits 1 for the missing Slack scope', async () => {
    const { code, stdout } = await runDoctor(environment());
    const lines = stdout.trim().split('\n');
    const subjects = lines
      .slice(0, -1)
      .map((line) => `${line.slice(0, 4)} ${line.slice(6).split(':')[0]}`);
    expect(subjects).toEqual([
      'ok   Environment',
      'ok   Projects file',
      'ok   Slack bot token',
      'FAIL Slack bot scopes',
      'ok   Slack app token',
      'ok   Redis',
      'ok   Redis ACL rights',
      'ok   Docker engine',
      'ok   Docker rights',
      'ok   Agent image',
      'ok   project shop',
      'ok   project shop',
      'ok   LLM openai (shop)',
      'ok   GitHub token',
    ]);
    expect(lines.find((line) => line.includes('Slack bot scopes'))).toBe(
      'FAIL  Slack bot scopes: missing usergroups:read → fix: add them under OAuth & Permissions → Bot Token Scopes (deploy/slack-app-manifest.yml lists them all) and reinstall the app',
    );
    expect(lines.at(-1)).toBe('13 ok, 0 warn, 1 FAIL');
    expect(code).toBe(1);
    for (const secret of [BOT_TOKEN, APP_TOKEN, GITHUB_TOKEN, LLM_KEY]) {
      expect(stdout).not.toContain(secret.slice(0, -4));
    }
  });

  it('exits 0 when everything required works, and 1 for an image the engine lacks', async () => {
    const scoped = await new FakeSlackApi({
      botToken: BOT_TOKEN,
      scopes: [...MANIFEST_BOT_SCOPES],
    }).start();
    try {
      const env = environment({
        SLACK_API_URL: scoped.apiUrl,
        SLACK_APP_TOKEN: '',
        SLACK_SIGNING_SECRET: 'fedcba9876543210fedcba9876543210',
      });
      const healthy = await runDoctor(env);
      expect(healthy.stdout.trim().split('\n').at(-1)).toBe('14 ok, 0 warn, 0 FAIL');
      expect(healthy.code).toBe(0);
      const missing = await runDoctor({
        ...env,
        AGENTSMITH_IMAGE: 'agentsmith-doctor-absent:none',
      });
      expect(missing.stdout).toContain(
        'FAIL  Agent image: agentsmith-doctor-absent:none is not on unix:///var/run/docker.sock',
      );
      expect(missing.code).toBe(1);
    } finally {
      await scoped.stop();
    }
  });
});
