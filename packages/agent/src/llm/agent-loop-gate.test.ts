import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from './agent-loop.js';
import type { AgentLoopOptions } from './agent-loop-types.js';
import { createModelRegistry } from './model-registry.js';

describe('llm/agent-loop finish gate and plan approval', () => {
  let llm: FakeLlmApi;
  let repo: string;

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-gate-'));
    await writeFile(join(repo, 'sum.js'), 'export const sum = (a, b) => a + b + 1;\n');
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  function options(overrides: Partial<AgentLoopOptions>): AgentLoopOptions {
    const config = AgentLlmConfig.parse({ type: 'claude' });
    return {
      models: createModelRegistry({ config, apiKey: 'k', baseUrlOverride: llm.baseUrl }),
      workspaceRoot: repo,
      systemPrompt: 'sys',
      task: 'Fix sum',
      maxIterations: 10,
      retry: { maxRetries: 0 },
      ...overrides,
    };
  }

  it('sends a refused finish back to the model in the same conversation', async () => {
    const checks: boolean[] = [];
    llm.script(
      { toolCalls: [{ name: 'finish', input: { summary: 'too early' } }] },
      {
        toolCalls: [
          { name: 'edit_file', input: { path: 'sum.js', old_text: ' + 1;', new_text: ';' } },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'Removed the stray + 1' } }] },
    );

    const result = await runAgentLoop(
      options({
        checkTests: async () => {
          const fixed = (await readFile(join(repo, 'sum.js'), 'utf8')).includes('a + b;');
          checks.push(fixed);
          return fixed
            ? { acceptable: true, report: 'Tests pass.' }
            : { acceptable: false, report: 'New failures: sum adds two' };
        },
      }),
    );

    expect(result).toMatchObject({
      finished: true,
      summary: 'Removed the stray + 1',
      iterations: 3,
    });
    expect(checks).toEqual([false, true]);
    expect(llm.requests[1]?.toolResults[0]).toMatchObject({
      isError: true,
      content: expect.stringMatching(
        /^finish refused \(1 of 3\): tests fail that passed before your change\.[\s\S]*New failures: sum adds two/,
      ) as unknown,
    });
    llm.assertDone();
  });

  it('offers submit_plan, refuses edits before approval, and follows the approved plan', async () => {
    const plans: string[] = [];
    llm.script(
      {
        toolCalls: [
          { name: 'edit_file', input: { path: 'sum.js', old_text: ' + 1;', new_text: ';' } },
        ],
      },
      { toolCalls: [{ name: 'submit_plan', input: { plan: '1. Drop the + 1 in sum.js:1' } }] },
      {
        toolCalls: [
          { name: 'edit_file', input: { path: 'sum.js', old_text: ' + 1;', new_text: ';' } },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    );

    const result = await runAgentLoop(
      options({
        approvePlan: (plan) => {
          plans.push(plan);
          return Promise.resolve({ approved: true });
        },
      }),
    );

    expect(llm.toolNames()).toContain('submit_plan');
    expect(llm.requests[1]?.toolResults[0]?.content).toMatch(
      /submit your plan with submit_plan first/,
    );
    expect(llm.requests[2]?.toolResults.at(-1)?.content).toMatch(/^The plan is approved/);
    expect(plans).toEqual(['1. Drop the + 1 in sum.js:1']);
    expect(result).toMatchObject({ finished: true, approvedPlan: '1. Drop the + 1 in sum.js:1' });
    expect(await readFile(join(repo, 'sum.js'), 'utf8')).toEqual(
      'export const sum = (a, b) => a + b;\n',
    );
    llm.assertDone();
  });

  it('ends with plan-rejected when the plan is not approved, having changed nothing', async () => {
    llm.script({ toolCalls: [{ name: 'submit_plan', input: { plan: 'rewrite everything' } }] });

    const result = await runAgentLoop(
      options({ approvePlan: () => Promise.resolve({ approved: false, reason: 'No.' }) }),
    );

    expect(result).toMatchObject({
      finished: false,
      stopReason: 'plan-rejected',
      changedFiles: [],
    });
    llm.assertDone();
  });

  it('does not offer submit_plan when no approval is configured', async () => {
    llm.script({ toolCalls: [{ name: 'finish', input: { summary: 'nothing' } }] });
    await runAgentLoop(options({}));
    expect(llm.toolNames()).not.toContain('submit_plan');
    llm.assertDone();
  });
});
