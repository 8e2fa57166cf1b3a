import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from './agent-loop.js';
import type { AgentEvent, AgentLoopOptions } from './agent-loop-types.js';
import { createModelRegistry } from './model-registry.js';

const flavours = [
  { type: 'claude', stream: true },
  { type: 'claude', stream: false },
  { type: 'openai', stream: true },
  { type: 'openai', stream: false },
  { type: 'gemini', stream: true },
  { type: 'gemini', stream: false },
  { type: 'ollama', stream: true },
  { type: 'openai-compatible', stream: false },
] as const;

/** Gemini and local servers are reached through `base_url`, as users configure them. */
const configuredBaseUrl = (type: string, llm: FakeLlmApi): string | undefined =>
  type === 'gemini'
    ? llm.geminiBaseUrl
    : type === 'claude' || type === 'openai'
      ? undefined
      : llm.baseUrl;

describe.each(flavours)('llm/agent-loop ($type, stream: $stream)', ({ type, stream }) => {
  let llm: FakeLlmApi;
  let repo: string;
  let events: AgentEvent[];
  let waits: number[];

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-loop-'));
    await writeFile(join(repo, 'README.md'), '# Demo\nHello wrold\n');
    events = [];
    waits = [];
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  function options(overrides: Partial<AgentLoopOptions> = {}): AgentLoopOptions {
    const baseUrl = configuredBaseUrl(type, llm);
    const config = AgentLlmConfig.parse({ type, base_url: baseUrl });
    const registry = { config, apiKey: type === 'ollama' ? undefined : 'test-key' };
    return {
      models: createModelRegistry({
        ...registry,
        baseUrlOverride: baseUrl === undefined ? llm.baseUrl : undefined,
      }),
      workspaceRoot: repo,
      systemPrompt: 'You fix bugs.',
      task: 'Fix the typo in README.md',
      maxIterations: 10,
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
      ...overrides,
    };
  }

  it('reports each model answer as it starts to arrive (phase timings use the first)', async () => {
    llm.script(
      { text: 'Let me look.', toolCalls: [{ name: 'read_file', input: { path: 'README.md' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'Nothing to fix.' } }] },
    );
    const arrivals: number[] = [];

    await runAgentLoop(options({ onFirstToken: () => arrivals.push(llm.requests.length) }));

    // Once per answer, each after its request reached the fake.
    expect(arrivals).toEqual([1, 2]);
  });

  it('reads, edits and finishes through a tool round-trip', async () => {
    llm.script(
      { text: 'Let me look.', toolCalls: [{ name: 'read_file', input: { path: 'README.md' } }] },
      {
        toolCalls: [
          { name: 'edit_file', input: { path: 'README.md', old_text: 'wrold', new_text: 'world' } },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'Fixed the typo.' } }] },
    );

    const result = await runAgentLoop(options());

    expect(result).toMatchObject({
      finished: true,
      stopReason: 'finished',
      summary: 'Fixed the typo.',
      iterations: 3,
    });
    expect(result.changedFiles).toEqual(['README.md']);
    expect(await readFile(join(repo, 'README.md'), 'utf8')).toEqual('# Demo\nHello world\n');
    expect(llm.requests.map((request) => request.stream)).toEqual([stream, stream, stream]);
    expect(llm.toolNames().sort()).toEqual([
      'edit_file',
      'finish',
      'list_files',
      'read_file',
      'run_command',
      'search_files',
      'write_file',
    ]);
    expect(llm.toolResults(1)[0]?.content).toContain('Hello wrold');
    expect(llm.toolResults(2)[1]?.content).toContain('Edited README.md');
    expect(llm.requests[0]?.system).toContain('You fix bugs.');
    expect(llm.requests[0]?.lastUserText).toContain('Fix the typo');
    expect(events.filter((event) => event.type === 'usage')).toHaveLength(3);
    llm.assertDone();
  });

  // Prompt caching is an Anthropic feature: only the claude flavours get these cases.
  if (type === 'claude') {
    it('marks the system prompt, tools and newest message for prompt caching', async () => {
      llm.script({ toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] });

      await runAgentLoop(options());

      const body = llm.requests[0]?.body as {
        system: { cache_control?: unknown }[];
        tools: { name: string; cache_control?: unknown }[];
        messages: { content: { cache_control?: unknown }[] }[];
      };
      expect(body.system.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
      expect(body.tools.filter((tool) => tool.cache_control).map((tool) => tool.name)).toEqual([
        'finish',
      ]);
      expect(body.messages.at(-1)?.content.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    });

    it('sends no cache markers when caching is off', async () => {
      llm.script({ toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] });

      await runAgentLoop(options({ cache: { enabled: false } }));

      expect(llm.requests[0]?.body).not.toHaveProperty('system.0.cache_control');
      expect(JSON.stringify(llm.requests[0]?.body)).not.toContain('cache_control');
    });
  }

  it('continues a finished run with extra task text (repair round)', async () => {
    llm.script(
      { toolCalls: [{ name: 'write_file', input: { path: 'src/a.txt', content: 'a' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'first' } }] },
      { toolCalls: [{ name: 'write_file', input: { path: 'src/b.txt', content: 'b' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'repaired' } }] },
    );
    const first = await runAgentLoop(options());

    const second = await runAgentLoop(
      options({ continueFrom: first, task: 'Tests failed:\nexpected b' }),
    );

    expect(second).toMatchObject({ finished: true, summary: 'repaired', iterations: 2 });
    expect(second.changedFiles).toEqual(['src/a.txt', 'src/b.txt']);
    expect(llm.requests[2]?.lastUserText).toContain('Tests failed');
    expect(llm.requests[2]?.toolResults.map((result) => result.content)).toEqual([
      'Wrote src/a.txt (1 lines)',
      'Finished.',
    ]);
    llm.assertDone();
  });

  it('nudges once when the model answers without tools, then stops', async () => {
    llm.script({ text: 'I think it is fine.' }, { text: 'Really fine.' });

    const result = await runAgentLoop(options());

    expect(result).toMatchObject({
      finished: false,
      stopReason: 'no-tool-call',
      summary: 'Really fine.',
    });
    expect(llm.requests[1]?.lastUserText).toContain('call finish');
    llm.assertDone();
  });

  it('waits as Retry-After asks on a 429, then succeeds', async () => {
    llm.script(
      { status: 429, headers: { 'retry-after': '3' } },
      { toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] },
    );

    const result = await runAgentLoop(options());

    expect(result.finished).toBe(true);
    expect(waits).toEqual([3000]);
    expect(events.find((event) => event.type === 'retry')).toMatchObject({
      attempt: 1,
      delayMs: 3000,
      status: 429,
    });
    llm.assertDone();
  });

  it('retries a request that does not answer within its time limit', async () => {
    llm.script(
      { text: 'too late', delayMs: 30_000 },
      { toolCalls: [{ name: 'finish', input: { summary: 'ok' } }] },
    );

    const result = await runAgentLoop(options({ requestTimeoutMs: 300 }));

    expect(result.finished).toBe(true);
    expect(events.find((event) => event.type === 'retry')).toMatchObject({ attempt: 1 });
    llm.assertDone();
  });

  it('fails with llm_unavailable when the API keeps answering 500', async () => {
    llm.script({ status: 500 }, { status: 500 }, { status: 500 });

    const running = runAgentLoop(options());

    await expect(running).rejects.toMatchObject({ code: 'llm_unavailable' });
    expect(waits).toEqual([10, 20]);
    llm.assertDone();
  });

  it('fails with llm_rate_limited when the API keeps answering 429', async () => {
    llm.script({ status: 429 }, { status: 429 }, { status: 429 });

    await expect(runAgentLoop(options())).rejects.toMatchObject({ code: 'llm_rate_limited' });
    llm.assertDone();
  });

  it('returns malformed tool arguments to the model as a tool error', async () => {
    llm.script(
      {
        toolCalls: [
          { name: 'read_file', rawInput: '{"path": ' },
          { name: 'edit_file', input: { path: 'README.md' } },
        ],
      },
      { toolCalls: [{ name: 'finish', input: { summary: 'gave up' } }] },
    );

    const result = await runAgentLoop(options());

    expect(result.finished).toBe(true);
    const [malformed, incomplete] = llm.toolResults(1);
    expect(malformed?.content).toMatch(/Invalid arguments for read_file/);
    expect(incomplete?.content).toMatch(/Invalid arguments for edit_file: old_text/);
    if (type === 'claude' || type === 'gemini')
      expect([malformed?.isError, incomplete?.isError]).toEqual([true, true]);
    llm.assertDone();
  });

  it('stops at the iteration cap', async () => {
    llm.script(
      { toolCalls: [{ name: 'list_files', input: {} }] },
      { toolCalls: [{ name: 'list_files', input: { directory: '.' } }] },
    );

    const result = await runAgentLoop(options({ maxIterations: 2 }));

    expect(result).toMatchObject({ finished: false, stopReason: 'max-iterations', iterations: 2 });
    expect(llm.toolResults(1)[0]?.content).toEqual('README.md');
    llm.assertDone();
  });

  it('stops at the wall-clock deadline', async () => {
    llm.script({ toolCalls: [{ name: 'finish', input: { summary: 'late' } }], delayMs: 3000 });

    const result = await runAgentLoop(options({ deadline: Date.now() + 300 }));

    expect(result).toMatchObject({ finished: false, stopReason: 'deadline' });
    llm.assertDone();
  });

  it('rejects as cancelled when the signal aborts', async () => {
    const controller = new AbortController();
    llm.script(() => {
      controller.abort();
      return { toolCalls: [{ name: 'finish', input: { summary: 'never seen' } }], delayMs: 1000 };
    });

    const running = runAgentLoop(options({ signal: controller.signal }));

    await expect(running).rejects.toMatchObject({ code: 'run_cancelled' });
    llm.assertDone();
  });
});
