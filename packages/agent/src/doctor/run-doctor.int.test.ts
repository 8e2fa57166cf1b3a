import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeGithubApi,
  FakeLlmApi,
  git,
  gitTestRepo,
  startGitHttpServer,
  type GitHttpServer,
  type GitTestRepo,
} from '@agentsmith/testkit';
import { runAgentDoctor } from './run-doctor.js';

const GITHUB_TOKEN = 'github_pat_doctorAgentTest000000000000tokn';
const OPENAI_KEY = 'sk-proj-doctor-agent-test-00000000okey';

let folder: string;
let library: GitTestRepo;
let dangling: GitTestRepo;
let remote: GitTestRepo;
let gitServer: GitHttpServer;
let github: FakeGithubApi;
let llm: FakeLlmApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'agent-doctor-'));
  await mkdir(join(folder, 'tickets'));
  library = await gitTestRepo({ 'package.json': '{"scripts":{"test":"node --test"}}\n' });
  dangling = await gitTestRepo({ 'README.md': '# x\n' }, 'trunk');
  await git(dangling.origin, 'symbolic-ref', 'HEAD', 'refs/heads/main');
  remote = await gitTestRepo();
  gitServer = await startGitHttpServer({
    repositories: { 'org/web.git': remote.origin },
    password: GITHUB_TOKEN,
  });
  github = await new FakeGithubApi({ token: GITHUB_TOKEN }).addRepository('org/web').start();
  llm = await FakeLlmApi.start();
  llm.acceptedKey = OPENAI_KEY;
});

afterAll(async () => {
  await Promise.all([gitServer.stop(), github.stop(), llm.server.stop()]);
  await Promise.all([library.cleanup(), dangling.cleanup(), remote.cleanup()]);
  await rm(folder, { recursive: true, force: true });
});

async function writeConfig(
  name: string,
  libraryOrigin: string,
  testCommand: string,
): Promise<string> {
  const path = join(folder, name);
  await writeFile(
    path,
    [
      'projects:',
      '  lib:',
      `    source: { type: local, path: ${libraryOrigin} }`,
      '    tickets: { type: local, path: tickets }',
      '    agent: { type: openai }',
      `    environment: { test: "${testCommand}" }`,
      '  web:',
      '    source: { type: github, url: https://github.com/org/web.git }',
      '    tickets: { type: github, url: https://github.com/org/web }',
      '    agent: { type: openai }',
    ].join('\n'),
  );
  return path;
}

async function doctor(configPath: string, overrides: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = await runAgentDoctor(
    {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      GITHUB_TOKEN,
      GITHUB_API_URL: github.url,
      AGENTSMITH_CLONE_URL: `${gitServer.url}/org/web.git`,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: llm.baseUrl,
      ...overrides,
    },
    {
      configPath,
      timeoutMs: 20_000,
      baseDir: folder,
      print: (line) => lines.push(line),
      sanitize: (text) => text,
    },
  );
  return { code, lines };
}

const subjects = (lines: string[]) =>
  lines.slice(0, -1).map((line) => `${line.slice(0, 4)} ${line.slice(6).split(':')[0]}`);

describe('agentsmith doctor', () => {
  it('checks the configuration, git, and each project’s repository, host, tickets and toolchain', async () => {
    const { code, lines } = await doctor(
      await writeConfig('good.yml', library.origin, 'node --test'),
    );
    expect(subjects(lines)).toEqual([
      'ok   Configuration',
      'ok   git',
      'ok   project lib',
      'ok   project lib',
      'ok   project lib',
      'ok   project web',
      'ok   project web',
      'ok   project web',
      'ok   project web',
      'ok   LLM openai (lib, web)',
      'warn GitHub token',
    ]);
    expect(lines.at(-1)).toBe('10 ok, 1 warn, 0 FAIL');
    expect(code).toBe(0);
    expect(lines.find((line) => line.includes('project lib: git:'))).toContain(
      'default branch main',
    );
    expect(lines.find((line) => line.includes('project web: git:'))).toContain(
      'with the host token; default branch main',
    );
    expect(lines.find((line) => line.includes('project lib: test toolchain'))).toContain(
      'node found (configured)',
    );
    expect(lines.find((line) => line.includes('GitHub token'))).toContain(
      'fine-grained or app token',
    );
    expect(lines.join('\n')).not.toContain(GITHUB_TOKEN.slice(0, -4));
  });

  it('fails a missing default branch, a missing test tool and a refused LLM key, with their fixes', async () => {
    const { code, lines } = await doctor(
      await writeConfig('bad.yml', dangling.origin, 'pnpm install && definitely-missing-tool test'),
      { OPENAI_API_KEY: 'sk-proj-wrong-key-0000000000wron' },
    );
    expect(code).toBe(1);
    const line = (what: string) =>
      lines.find((candidate) => candidate.slice(6).startsWith(`${what}:`));
    expect(line('project lib: git')).toMatch(
      /^FAIL .*no default branch \(HEAD points nowhere; branches: trunk\) → fix: push the default branch/,
    );
    expect(line('project lib: test toolchain')).toMatch(
      /^FAIL .*definitely-missing-tool not found on PATH .* → fix: install /,
    );
    expect(line('LLM openai (lib, web)')).toMatch(
      /^FAIL .*refused \(401\) with OPENAI_API_KEY …wron → fix: set OPENAI_API_KEY/,
    );
  });

  it('takes credentials written into AGENTSMITH_CLONE_URL through the helper, never echoing them', async () => {
    const withCredentials = new URL(`${gitServer.url}/org/web.git`);
    withCredentials.username = 'x-access-token';
    withCredentials.password = GITHUB_TOKEN;
    const { lines } = await doctor(await writeConfig('mirror.yml', library.origin, 'node --test'), {
      GITHUB_TOKEN: '',
      AGENTSMITH_CLONE_URL: withCredentials.toString(),
    });
    const line = lines.find((candidate) => candidate.includes('project web: git:'));
    expect(line).toMatch(/^ok .* works with the host token; default branch main$/);
    expect(lines.join('\n')).not.toContain(GITHUB_TOKEN);
  });

  it('reports an invalid configuration file line by line and exits 1', async () => {
    const path = join(folder, 'invalid.yml');
    await writeFile(path, 'projects:\n  x:\n    source: { type: nowhere }\n');
    const { code, lines } = await doctor(path);
    expect(code).toBe(1);
    expect(lines[0]).toMatch(
      /^FAIL {2}Configuration: projects\.x\.source.* → fix: fix .*invalid\.yml/,
    );
  });
});
