import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from './agent-loop.js';
import type { AgentLoopOptions } from './agent-loop-types.js';
import { createModelRegistry } from './model-registry.js';

describe('llm/agent-loop run_command', () => {
  let llm: FakeLlmApi;
  let repo: string;

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-commands-'));
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  const options = (overrides: Partial<AgentLoopOptions>): AgentLoopOptions => ({
    models: createModelRegistry({
      config: AgentLlmConfig.parse({ type: 'openai' }),
      apiKey: 'k',
      baseUrlOverride: llm.baseUrl,
    }),
    workspaceRoot: repo,
    systemPrompt: 'sys',
    task: 'task',
    maxIterations: 5,
    ...overrides,
  });

  it('kills a hanging command and the child it started at its timeout, and tells the model', async () => {
    const command = 'sleep 300 & echo $! > child.pid; sleep 300';
    llm.script(
      { toolCalls: [{ name: 'run_command', input: { command } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'gave up on the command' } }] },
    );

    const result = await runAgentLoop(options({ commandTimeoutMs: 300 }));

    expect(result.finished).toBe(true);
    expect(llm.toolResults(1)[0]?.content).toMatch(/timed out after 0\.3 s and was killed/);
    const childPid = Number((await readFile(join(repo, 'child.pid'), 'utf8')).trim());
    await expect.poll(() => isRunning(childPid), { timeout: 2_500 }).toBe(false);
    llm.assertDone();
  });

  it('runs commands without credentials from the environment', async () => {
    llm.script(
      { toolCalls: [{ name: 'run_command', input: { command: 'env | sort' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] },
    );

    await runAgentLoop(
      options({
        commandEnvironment: {
          PATH: '/usr/bin:/bin',
          VISIBLE_MARKER: 'yes',
          ANTHROPIC_API_KEY: 'sk-ant-secret',
          GITHUB_TOKEN: 'ghp_secret',
          REDIS_URL: 'redis://:pw@redis:6379',
        },
      }),
    );

    const output = llm.toolResults(1)[0]?.content ?? '';
    expect(output).toContain('VISIBLE_MARKER=yes');
    expect(output).not.toMatch(/secret|ANTHROPIC|GITHUB|REDIS/);
    llm.assertDone();
  });

  it('ends at the deadline while a command is still running', async () => {
    llm.script({ toolCalls: [{ name: 'run_command', input: { command: 'sleep 300' } }] });

    const result = await runAgentLoop(options({ deadline: Date.now() + 500 }));

    expect(result).toMatchObject({ stopReason: 'deadline', finished: false, iterations: 1 });
    llm.assertDone();
  });
});

/** Whether `pid` still runs (a zombie waiting to be reaped counts as gone). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const state = stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return !(state === undefined || state === 'Z' || state === 'X');
}
