import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUGGY_SUM_FILES, FakeLlmApi, gitTestRepo, type GitTestRepo } from '@agentsmith/testkit';
import { runAgent } from './agent-cli.js';

const ANTHROPIC_KEY = 'sk-ant-agent-doctor-e2e-0000000000e2ea';

let folder: string;
let repo: GitTestRepo;
let llm: FakeLlmApi;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'agent-doctor-e2e-'));
  await mkdir(join(folder, 'tickets'));
  repo = await gitTestRepo(BUGGY_SUM_FILES);
  llm = await FakeLlmApi.start();
  llm.acceptedKey = ANTHROPIC_KEY;
  await writeFile(
    join(folder, 'agentsmith.yml'),
    [
      'projects:',
      '  sums:',
      `    source: { type: local, path: ${repo.origin} }`,
      '    tickets: { type: local, path: tickets }',
      '    agent: { type: claude }',
    ].join('\n'),
  );
});

afterAll(async () => {
  await llm.server.stop();
  await repo.cleanup();
  await rm(folder, { recursive: true, force: true });
});

describe('agentsmith doctor (built CLI)', () => {
  it('prints one ok line per check and exits 0', async () => {
    const { exitCode, stdout } = await runAgent(
      ['doctor'],
      {
        AGENTSMITH_CONFIG: 'agentsmith.yml',
        ANTHROPIC_API_KEY: ANTHROPIC_KEY,
        ANTHROPIC_BASE_URL: llm.baseUrl,
      },
      folder,
    );
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => line.slice(0, 4))).toEqual([
      'ok  ',
      'ok  ',
      'ok  ',
      'ok  ',
      'ok  ',
      'ok  ',
      '6 ok',
    ]);
    expect(lines[3]).toMatch(
      /^ok {4}project sums: tickets: local tickets folder .*tickets is readable and writable$/,
    );
    expect(lines[5]).toBe(
      `ok    LLM anthropic (sums): anthropic at ${new URL(llm.baseUrl).host} accepted ANTHROPIC_API_KEY …e2ea (1 model)`,
    );
    expect(lines.at(-1)).toBe('6 ok, 0 warn, 0 FAIL');
    expect(stdout).not.toContain(ANTHROPIC_KEY.slice(0, -4));
    expect(exitCode).toBe(0);
  });

  it('exits 1 with a FAIL line and its fix for a missing key', async () => {
    const { exitCode, stdout } = await runAgent(
      ['doctor', '--config', 'agentsmith.yml'],
      { ANTHROPIC_BASE_URL: llm.baseUrl },
      folder,
    );
    expect(stdout).toContain(
      'FAIL  LLM anthropic (sums): ANTHROPIC_API_KEY is not set → fix: set ANTHROPIC_API_KEY to an API key of anthropic',
    );
    expect(stdout.trim().split('\n').at(-1)).toBe('5 ok, 0 warn, 1 FAIL');
    expect(exitCode).toBe(1);
  });
});
