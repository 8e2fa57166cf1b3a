import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi, promptTooLongError, type FakeLlmProtocol } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from './agent-loop.js';
import type { AgentEvent, AgentLoopOptions } from './agent-loop-types.js';
import { createModelRegistry } from './model-registry.js';

const LONG_FILE = Array.from(
  { length: 400 },
  (_, index) => `line ${index + 1} of a long file`,
).join('\n');

const providers = [
  { type: 'claude', protocol: 'anthropic' },
  { type: 'openai', protocol: 'openai' },
  { type: 'gemini', protocol: 'gemini' },
] as const satisfies readonly { type: string; protocol: FakeLlmProtocol }[];

describe.each(providers)('llm/agent-loop context management ($type)', ({ type, protocol }) => {
  let llm: FakeLlmApi;
  let repo: string;
  let events: AgentEvent[];

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-compaction-'));
    await writeFile(join(repo, 'a.txt'), LONG_FILE);
    await writeFile(join(repo, 'b.txt'), 'beta');
    await writeFile(join(repo, 'c.txt'), LONG_FILE.replaceAll('line', 'row'));
    events = [];
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  function options(overrides: Partial<AgentLoopOptions> = {}): AgentLoopOptions {
    const config = AgentLlmConfig.parse({
      type,
      ...(type === 'gemini' ? { base_url: llm.geminiBaseUrl } : {}),
      models: { summarization: { model: 'summarizer-x' }, primary: { model: 'primary-x' } },
    });
    return {
      models: createModelRegistry({
        config,
        apiKey: 'k',
        ...(type === 'gemini' ? {} : { baseUrlOverride: llm.baseUrl }),
      }),
      workspaceRoot: repo,
      systemPrompt: 'sys',
      task: 'task',
      maxIterations: 10,
      onEvent: (event) => events.push(event),
      retry: { maxRetries: 0 },
      ...overrides,
    };
  }

  const compactions = () => events.filter((event) => event.type === 'compaction');

  it('drops old tool outputs by tokens first, keeping the calls, and counts re-reads', async () => {
    llm.script(
      { toolCalls: [{ name: 'read_file', input: { path: 'a.txt', limit: 400 } }] },
      { toolCalls: [{ name: 'read_file', input: { path: 'c.txt', limit: 400 } }] },
      { toolCalls: [{ name: 'read_file', input: { path: 'a.txt', limit: 400 } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    );

    const result = await runAgentLoop(
      options({
        compaction: { contextWindowTokens: 10_000, triggerTokens: 5000, keepRecentIterations: 1 },
      }),
    );

    expect(result.finished).toBe(true);
    // Request 3 is over the trigger: the first read's output became a note, its call stayed.
    const third = llm.requests[2];
    expect(third?.toolResults[0]?.content).toMatch(
      /^\[output dropped to save context: read_file a\.txt, 401 lines/,
    );
    expect(third?.toolResults[1]?.content).toContain('row 400 of a long file');
    expect(JSON.stringify(third?.body)).toContain('a.txt');
    // The re-read is served in full again (the read cache was cleared) and the older read of
    // c.txt is dropped in its turn; nothing needed a summary.
    const fourth = llm.requests[3];
    expect(fourth?.toolResults.at(-1)?.content).toContain('line 400 of a long file');
    expect(fourth?.toolResults[1]?.content).toMatch(/^\[output dropped.*c\.txt/);
    expect(compactions()).toEqual([
      expect.objectContaining({ stage: 'pruned', count: 1, forced: false }),
      expect.objectContaining({ stage: 'pruned', count: 1, forced: false }),
    ]);
    expect(result.stats).toMatchObject({ compactions: 2, rereadsAfterCompaction: 1, turns: 4 });
    expect(llm.requests.map((request) => request.model)).not.toContain('summarizer-x');
    llm.assertDone();
  });

  it('summarises old turns with the loop model when dropping outputs is not enough', async () => {
    llm.script(
      { text: 'x'.repeat(6000), toolCalls: [{ name: 'read_file', input: { path: 'b.txt' } }] },
      { toolCalls: [{ name: 'list_files', input: {} }] },
      { toolCalls: [{ name: 'list_files', input: { directory: '.' } }] },
      { text: 'SUMMARY: read b.txt (beta), listed files.' },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    );

    const result = await runAgentLoop(
      options({
        compaction: { contextWindowTokens: 10_000, triggerTokens: 1000, keepRecentIterations: 1 },
      }),
    );

    expect(result.finished).toBe(true);
    // Request 3 is over the trigger too, but one older turn is not worth a summary call.
    const summarization = llm.requests[3];
    expect(summarization).toMatchObject({ model: 'primary-x', toolNames: [] });
    expect(summarization?.lastUserText).toContain('call read_file({"path":"b.txt"})');
    expect(summarization?.lastUserText).toContain('call list_files({})');
    const after = llm.requests[4];
    expect(JSON.stringify(after?.body)).toContain('SUMMARY: read b.txt');
    expect(JSON.stringify(after?.body)).not.toContain('x'.repeat(6000));
    expect(after?.toolResults).toHaveLength(1);
    expect(compactions().map((event) => event.type === 'compaction' && event.stage)).toEqual([
      'summarized',
    ]);
    llm.assertDone();
  });

  it(`compacts and sends again when the provider answers "prompt too long"`, async () => {
    llm.script(
      { toolCalls: [{ name: 'read_file', input: { path: 'a.txt', limit: 400 } }] },
      { toolCalls: [{ name: 'read_file', input: { path: 'b.txt' } }] },
      promptTooLongError(protocol),
      (request) => ({
        text: `saw ${request.toolResults.map((r) => r.content.slice(0, 30)).join(' | ')}`,
        toolCalls: [{ name: 'finish', input: { summary: 'done' } }],
      }),
    );

    const result = await runAgentLoop(options());

    expect(result.finished).toBe(true);
    expect(result.stats.promptTooLongRetries).toEqual(1);
    expect(llm.requests[3]?.toolResults[0]?.content).toMatch(/^\[output dropped to save context/);
    expect(compactions()).toEqual([
      expect.objectContaining({ stage: 'pruned', count: 1, forced: true }),
    ]);
    llm.assertDone();
  });

  it('fails clearly when a refused request has nothing left to compact', async () => {
    llm.script(promptTooLongError(protocol));

    await expect(runAgentLoop(options())).rejects.toMatchObject({
      code: 'llm_invalid_response',
      message: expect.stringMatching(/exceeds the model's context window/) as unknown,
    });
    llm.assertDone();
  });

  it('stops when the cost budget is spent', async () => {
    const turn = {
      toolCalls: [{ name: 'list_files', input: {} }],
      usage: { inputTokens: 100_000, outputTokens: 0 },
    };
    llm.script(turn, turn);
    const config = AgentLlmConfig.parse({
      type,
      ...(type === 'gemini' ? { base_url: llm.geminiBaseUrl } : {}),
      model: 'gemini-2.5-pro',
    });
    const models = createModelRegistry({
      config,
      apiKey: 'k',
      ...(type === 'gemini' ? {} : { baseUrlOverride: llm.baseUrl }),
    });

    // gemini-2.5-pro costs $1.25 per million input tokens: $0.125 a turn.
    const result = await runAgentLoop({ ...options(), models, maxCostUsd: 0.2 });

    expect(result).toMatchObject({ stopReason: 'budget', iterations: 2, finished: false });
    llm.assertDone();
  });
});
