import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentLlmConfig } from '@agentsmith/providers';
import { FakeLlmApi } from '@agentsmith/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentLoop } from './agent-loop.js';
import type { AgentEvent } from './agent-loop-types.js';
import { createModelRegistry } from './model-registry.js';

describe.each(['claude', 'openai'] as const)('llm/agent-loop compaction (%s)', (type) => {
  let llm: FakeLlmApi;
  let repo: string;

  beforeEach(async () => {
    llm = await FakeLlmApi.start();
    repo = await mkdtemp(join(tmpdir(), 'agent-compaction-'));
    await writeFile(join(repo, 'a.txt'), 'alpha');
  });

  afterEach(async () => {
    await llm.stop();
    await rm(repo, { recursive: true, force: true });
  });

  it('summarizes old iterations past the threshold, keeps recent ones and allows rereads', async () => {
    const events: AgentEvent[] = [];
    llm.script(
      { toolCalls: [{ name: 'read_file', input: { path: 'a.txt' } }] },
      { toolCalls: [{ name: 'list_files', input: {} }] },
      { toolCalls: [{ name: 'list_files', input: { directory: '.' } }] },
      { text: 'SUMMARY: read a.txt (alpha), listed files twice.' },
      { toolCalls: [{ name: 'read_file', input: { path: 'a.txt' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    );
    const config = AgentLlmConfig.parse({
      type,
      models: { summarization: { model: 'summarizer-x' }, primary: { model: 'primary-x' } },
    });

    const result = await runAgentLoop({
      models: createModelRegistry({ config, apiKey: 'k', baseUrlOverride: llm.baseUrl }),
      workspaceRoot: repo,
      systemPrompt: 'sys',
      task: 'task',
      maxIterations: 10,
      compaction: {
        enabled: true,
        thresholdIterations: 2,
        keepRecentIterations: 1,
        maxContextTokens: 1_000_000,
      },
      onEvent: (event) => events.push(event),
    });

    expect(result.finished).toBe(true);
    const summarization = llm.requests[3];
    expect(summarization).toMatchObject({ model: 'summarizer-x', toolNames: [] });
    expect(summarization?.lastUserText).toContain('call read_file({"path":"a.txt"})');
    expect(summarization?.lastUserText).not.toContain('"directory":"."');
    const afterCompaction = llm.requests[4];
    expect(afterCompaction?.model).toEqual('primary-x');
    expect(JSON.stringify(afterCompaction?.body)).toContain('SUMMARY: read a.txt');
    expect(afterCompaction?.toolResults).toHaveLength(1);
    expect(llm.toolResults(5)[1]?.content).toContain('alpha');
    expect(events.filter((event) => event.type === 'compaction')).toEqual([
      { type: 'compaction', iteration: 4, compactedIterations: 2, summaryLength: 48 },
    ]);
    expect(events.filter((event) => event.type === 'usage').map((event) => event.role)).toEqual([
      'primary',
      'primary',
      'primary',
      'summarization',
      'primary',
      'primary',
    ]);
    llm.assertDone();
  });
});
