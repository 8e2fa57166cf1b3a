import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { generateText, Output, tool } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runAgentLoop } from './agent-loop.js';
import type { AgentEvent, AgentLoopOptions } from './agent-loop-types.js';
import { createModelRegistry } from './model-registry.js';

// What only Gemini and OpenAI-compatible servers (Ollama) do on the wire; the shared loop
// behaviour for every provider is in agent-loop.test.ts.
describe('llm/agent-loop (providers)', () => {
  let llm: FakeLlmApi;
  let repo: string;
  let events: AgentEvent[];
  let waits: number[];

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-loop-providers-'));
    await writeFile(join(repo, 'README.md'), '# Demo\nHello wrold\n');
    events = [];
    waits = [];
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  function options(
    agent: Record<string, unknown>,
    apiKey: string | undefined,
    stream: boolean,
  ): AgentLoopOptions {
    const config = AgentLlmConfig.parse(agent);
    return {
      models: createModelRegistry({ config, apiKey }),
      workspaceRoot: repo,
      systemPrompt: 'You fix bugs.',
      task: 'Fix the typo in README.md',
      maxIterations: 5,
      stream,
      onEvent: (event) => events.push(event),
      retry: {
        maxRetries: 2,
        initialDelayMs: 10,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    };
  }

  const fixTheTypo = [
    { toolCalls: [{ name: 'read_file', input: { path: 'README.md' }, id: 'call-read' }] },
    {
      toolCalls: [
        { name: 'edit_file', input: { path: 'README.md', old_text: 'wrold', new_text: 'world' } },
      ],
      usage: { inputTokens: 1200, outputTokens: 40, cacheReadTokens: 800 },
    },
    { toolCalls: [{ name: 'finish', input: { summary: 'Fixed.' } }] },
  ];

  it.each([
    { model: 'gemini-2.5-pro', stream: true },
    { model: 'gemini-2.5-pro', stream: false },
    { model: 'gemini-3.1-pro-preview', stream: true },
  ])(
    'speaks generateContent to $model with functionCall/functionResponse parts (stream: $stream)',
    async ({ model, stream }) => {
      llm.script(...fixTheTypo);

      const agent = { type: 'gemini', model, base_url: llm.geminiBaseUrl };
      const result = await runAgentLoop(options(agent, 'gemini-key', stream));

      expect(result).toMatchObject({ finished: true, summary: 'Fixed.', iterations: 3 });
      expect(await readFile(join(repo, 'README.md'), 'utf8')).toEqual('# Demo\nHello world\n');
      const method = stream ? 'streamGenerateContent' : 'generateContent';
      expect(llm.requests.map((request) => [request.protocol, request.http.path])).toEqual(
        Array.from({ length: 3 }, () => ['gemini', `/v1beta/models/${model}:${method}`]),
      );
      expect(llm.requests[0]?.http.query.get('alt')).toEqual(stream ? 'sse' : null);
      expect(llm.requests[0]?.http.headers['x-goog-api-key']).toEqual('gemini-key');
      expect(llm.requests[0]?.system).toContain('You fix bugs.');
      expect(llm.toolNames()).toContain('edit_file');
      expect(llm.toolResults(1)).toEqual([
        {
          toolCallId: 'call-read',
          content: expect.stringContaining('Hello wrold'),
          isError: false,
        },
      ]);
      const usage = events.flatMap((event) => (event.type === 'usage' ? [event] : []));
      expect(usage[1]).toMatchObject({
        modelId: model,
        usage: { inputTokens: 1200, outputTokens: 40, cacheReadTokens: 800 },
      });
      // gemini-2.5-pro is in the pricing table; an unpriced model reports no cost, never $0.
      expect(typeof usage[1]?.costUsd).toEqual(model === 'gemini-2.5-pro' ? 'number' : 'undefined');
      llm.assertDone();
    },
  );

  it.each([
    { agent: { type: 'gemini' }, apiKey: 'gemini-key', status: 503 },
    { agent: { type: 'ollama' }, apiKey: undefined, status: 429 },
    { agent: { type: 'openai-compatible', model: 'llama3.3' }, apiKey: 'k', status: 503 },
  ])('retries $agent.type once after a $status as Retry-After asks', async (flavour) => {
    const baseUrl = flavour.agent.type === 'gemini' ? llm.geminiBaseUrl : llm.baseUrl;
    llm.script(
      { status: flavour.status, headers: { 'retry-after': '2' } },
      { toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] },
    );

    const result = await runAgentLoop(
      options({ ...flavour.agent, base_url: baseUrl }, flavour.apiKey, true),
    );

    expect(result.finished).toBe(true);
    expect(waits).toEqual([2000]);
    expect(events.find((event) => event.type === 'retry')).toMatchObject({
      attempt: 1,
      delayMs: 2000,
      status: flavour.status,
    });
    expect(llm.requests).toHaveLength(2);
    llm.assertDone();
  });

  it('sends Chat Completions to an OpenAI-compatible server with the configured model', async () => {
    llm.script(
      { toolCalls: [{ name: 'list_files', input: {} }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'listed' } }] },
    );

    const result = await runAgentLoop(
      options({ type: 'ollama', model: 'llama3.3', base_url: llm.baseUrl }, undefined, true),
    );

    expect(result).toMatchObject({ finished: true, summary: 'listed' });
    expect(llm.requests.map((request) => [request.protocol, request.http.path])).toEqual([
      ['openai', '/v1/chat/completions'],
      ['openai', '/v1/chat/completions'],
    ]);
    expect(llm.requests[0]).toMatchObject({ model: 'llama3.3', stream: true });
    expect(llm.requests[0]?.body['stream_options']).toEqual({ include_usage: true });
    expect(llm.requests[0]?.http.headers.authorization).toBeUndefined();
    expect(llm.toolResults(1)[0]?.content).toEqual('README.md');
    expect(events.find((event) => event.type === 'usage')).toMatchObject({
      modelId: 'llama3.3',
      usage: { inputTokens: 100, outputTokens: 20 },
      costUsd: undefined,
    });
    llm.assertDone();
  });

  const plan = { summary: 'Fix it', steps: ['Edit README.md'], filesToTouch: ['README.md'] };

  it('answers Gemini structured output next to tools through the forced json function', async () => {
    const config = AgentLlmConfig.parse({ type: 'gemini', base_url: llm.geminiBaseUrl });
    llm.script({ object: plan });

    const result = await generateText({
      model: createModelRegistry({ config, apiKey: 'k' }).planning.model,
      prompt: 'Plan it',
      tools: { noop: tool({ inputSchema: z.object({}) }) },
      output: Output.object({ schema: z.object({ summary: z.string() }).loose() }),
      maxRetries: 0,
    });

    expect(result.output).toEqual(plan);
    expect(llm.requests[0]).toMatchObject({ structured: true, toolNames: ['noop', 'json'] });
    expect(llm.requests[0]?.body['toolConfig']).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    llm.assertDone();
  });
});
