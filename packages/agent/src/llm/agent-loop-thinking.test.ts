import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from './agent-loop.js';
import { createModelRegistry } from './model-registry.js';

describe('llm/agent-loop extended thinking and the Responses API', () => {
  let llm: FakeLlmApi;
  let repo: string;

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-thinking-'));
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  async function runOnce(agent: Record<string, unknown>, stream = true) {
    llm.script(
      { toolCalls: [{ name: 'list_files', input: {} }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    );
    const config = AgentLlmConfig.parse(agent);
    const gemini = agent['type'] === 'gemini';
    await runAgentLoop({
      models: createModelRegistry({
        config,
        apiKey: 'k',
        ...(gemini ? {} : { baseUrlOverride: llm.baseUrl }),
      }),
      workspaceRoot: repo,
      systemPrompt: 'sys',
      task: 'task',
      maxIterations: 5,
      stream,
      retry: { maxRetries: 0 },
    });
    llm.assertDone();
    return llm.requests;
  }

  it.each([true, false])(
    'drives OpenAI reasoning models through the Responses API (stream: %s)',
    async (stream) => {
      const requests = await runOnce({ type: 'openai', model: 'gpt-5' }, stream);

      expect(requests.map((request) => request.http.path)).toEqual([
        '/v1/responses',
        '/v1/responses',
      ]);
      expect(requests[0]?.body).toMatchObject({
        model: 'gpt-5',
        reasoning: { effort: 'medium' },
        store: false,
        include: ['reasoning.encrypted_content'],
      });
      expect(requests[0]?.toolNames).toContain('edit_file');
      expect(requests[1]?.toolResults[0]?.content).toBe('No files.');
    },
  );

  it('gives Claude a thinking budget on top of its output tokens', async () => {
    const requests = await runOnce({ type: 'claude', model: 'claude-sonnet-4-5' });

    expect(requests[0]?.body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 8000 },
      max_tokens: 8192 + 8000,
    });
  });

  it('gives Gemini 2.5 a thinking budget', async () => {
    const requests = await runOnce({
      type: 'gemini',
      model: 'gemini-2.5-pro',
      base_url: llm.geminiBaseUrl,
      thinking: { budget_tokens: 4096 },
    });

    expect(requests[0]?.body['generationConfig']).toMatchObject({
      thinkingConfig: { thinkingBudget: 4096 },
    });
  });

  it('sends no thinking settings when thinking is off or the model has none', async () => {
    const off = await runOnce({
      type: 'claude',
      model: 'claude-sonnet-4-5',
      thinking: { enabled: false },
    });
    expect(off[0]?.body['thinking']).toBeUndefined();
    expect(off[0]?.body['max_tokens']).toBe(8192);
  });

  it('leaves the thinking of another model out of the conversation a repair round continues', async () => {
    llm.script({ toolCalls: [{ name: 'finish', input: { summary: 'repaired' } }] });
    const config = AgentLlmConfig.parse({ type: 'claude', model: 'claude-sonnet-4-5' });

    const result = await runAgentLoop({
      models: createModelRegistry({ config, apiKey: 'k', baseUrlOverride: llm.baseUrl }),
      workspaceRoot: repo,
      systemPrompt: 'sys',
      task: 'The tests fail; repair.',
      continueFrom: {
        summary: 'first',
        finished: true,
        stopReason: 'finished',
        iterations: 1,
        changedFiles: [],
        stats: {
          turns: 1,
          toolCalls: 0,
          edits: 0,
          failedEdits: 0,
          compactions: 0,
          rereadsAfterCompaction: 0,
          promptTooLongRetries: 0,
        },
        modelId: 'claude-opus-4-5',
        messages: [
          { role: 'user', content: 'Fix the bug' },
          {
            role: 'assistant',
            content: [
              {
                type: 'reasoning',
                text: 'secret thoughts of another model',
                providerOptions: { anthropic: { signature: 'signed-by-opus' } },
              },
              { type: 'text', text: 'I fixed it.' },
            ],
          },
        ],
      },
      maxIterations: 3,
      retry: { maxRetries: 0 },
    });

    expect(result.finished).toBe(true);
    const body = JSON.stringify(llm.requests[0]?.body);
    expect(body).toContain('I fixed it.');
    expect(body).not.toContain('secret thoughts');
    expect(llm.requests[0]?.lastUserText).toBe('The tests fail; repair.');
    llm.assertDone();
  });
});
